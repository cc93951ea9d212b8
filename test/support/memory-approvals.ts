import type { Approval, ApprovalStore, StoredApproval } from '../../src/lib/approvals/approval';

/** An in-memory approval store with Table Storage's ETag rules: a stale ETag loses. */
export function memoryApprovals(): ApprovalStore & { rows: Map<string, StoredApproval> } {
  const rows = new Map<string, StoredApproval>();
  let version = 0;
  const store = (approval: Approval): StoredApproval => {
    const stored = { ...approval, etag: `e${++version}` };
    rows.set(approval.id, stored);
    return { ...stored };
  };
  return {
    rows,
    create: (approval) => {
      if (rows.has(approval.id)) return Promise.reject(new Error('exists'));
      return Promise.resolve(store(approval));
    },
    get: (id) => {
      const row = rows.get(id);
      return Promise.resolve(row ? { ...row } : undefined);
    },
    update: (approval, etag) =>
      Promise.resolve(rows.get(approval.id)?.etag === etag ? store(approval) : undefined),
  };
}

import type { LockoutFlag, StoredLockoutFlag } from '../../../src/lib/detection/lockout-flag';
import type {
  DetectionNotice,
  LockoutEvent,
  LockoutStore,
  ScanState,
  ScanStateStore,
  StoredScanState,
} from '../../../src/lib/detection/repositories';

/**
 * The lockout table in memory, with Table Storage's write rules: a write without an ETag inserts
 * (and loses to an existing row), a write with one replaces only that version. `interfere` runs
 * before each write, so a test can change a row as an overlapping run would.
 */
export function memoryLockoutStore(options: { interfere?: (flag: LockoutFlag) => void } = {}) {
  const rows = new Map<string, StoredLockoutFlag>();
  let version = 0;
  const putManyCalls: number[] = [];
  const store: LockoutStore = {
    get: (userId) => Promise.resolve(structuredClone(rows.get(userId))),
    getMany: (userIds) =>
      Promise.resolve(
        new Map(
          userIds.flatMap((id) => {
            const row = rows.get(id);
            return row ? [[id, structuredClone(row)] as const] : [];
          }),
        ),
      ),
    findByUpn: (upn) =>
      Promise.resolve(
        [...rows.values()].find((row) => row.userPrincipalName?.toLowerCase() === upn.toLowerCase()),
      ),
    put: (flag, etag) => {
      options.interfere?.(flag);
      const current = rows.get(flag.userId);
      if (etag === undefined ? current !== undefined : current?.etag !== etag)
        return Promise.resolve(undefined);
      version += 1;
      const stored = { ...structuredClone(flag), etag: `W/"${version}"` };
      rows.set(flag.userId, stored);
      return Promise.resolve(structuredClone(stored));
    },
    putMany: async (writes) => {
      putManyCalls.push(writes.length);
      const written: (StoredLockoutFlag | undefined)[] = [];
      for (const { flag, etag } of writes) written.push(await store.put(flag, etag));
      return written;
    },
    list: () => Promise.reject(new Error('not used by the scan')),
  };
  /** Stores a row as is (a flag an earlier run wrote). */
  const seed = (flag: LockoutFlag) => {
    version += 1;
    rows.set(flag.userId, { ...structuredClone(flag), etag: `W/"${version}"` });
  };
  return { store, rows, seed, putManyCalls };
}

/** The one-row scan state table in memory, ETag-guarded like Table Storage. */
export function memoryScanState(initial: ScanState = { condition: 'ok' }) {
  let row: StoredScanState = { ...initial, etag: 'W/"0"' };
  let version = 0;
  const writes: { state: ScanState; etag: string | undefined }[] = [];
  const store: ScanStateStore = {
    read: () => Promise.resolve(structuredClone(row)),
    write: (state, etag) => {
      writes.push({ state: structuredClone(state), etag });
      if (etag !== row.etag) return Promise.resolve(false);
      version += 1;
      row = { ...structuredClone(state), etag: `W/"s${version}"` };
      return Promise.resolve(true);
    },
  };
  return {
    store,
    writes,
    current: (): ScanState => {
      const state: StoredScanState = structuredClone(row);
      delete state.etag;
      return state;
    },
    /** Another run wrote the row meanwhile. */
    bump: () => {
      row = { ...row, etag: 'W/"other"' };
    },
  };
}

/** The queue and the notices, recorded. */
export function recorders() {
  const events: LockoutEvent[] = [];
  const notices: DetectionNotice[] = [];
  return {
    events,
    notices,
    lockoutEvents: {
      publish: (event: LockoutEvent) => {
        events.push(event);
        return Promise.resolve();
      },
    },
    notify: (notice: DetectionNotice) => {
      notices.push(notice);
      return Promise.resolve();
    },
  };
}

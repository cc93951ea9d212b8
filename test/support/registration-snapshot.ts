import { AT_RISK_CLASSES } from '../../src/lib/registration/classify';
import type {
  AtRiskUser,
  RegistrationSnapshotStore,
  SnapshotSummary,
} from '../../src/lib/registration/snapshot';

/** The current snapshot as a reader sees it: its summary and every at-risk user, all pages read. */
export async function readCurrentSnapshot(
  store: RegistrationSnapshotStore,
): Promise<{ summary: SnapshotSummary; atRisk: AtRiskUser[] } | undefined> {
  const summary = (await store.listSnapshots()).at(-1);
  if (summary === undefined) return undefined;
  const atRisk: AtRiskUser[] = [];
  for (const cls of AT_RISK_CLASSES) {
    let continuationToken: string | undefined;
    do {
      const page = await store.listAtRisk(summary.runId, cls, {
        limit: 100,
        ...(continuationToken === undefined ? {} : { continuationToken }),
      });
      if (page === undefined) throw new Error(`snapshot ${summary.runId} is not kept`);
      atRisk.push(...page.users);
      continuationToken = page.continuationToken;
    } while (continuationToken !== undefined);
  }
  return { summary, atRisk };
}

import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';

import { queryRows } from '../storage/query-rows';
import { storageOptions } from '../storage/storage-deadline';
import { requireEtag, storageStatus } from '../storage/storage-errors';
import { AT_RISK_CLASSES, REGISTRATION_CLASSES } from './classify';
import {
  type AtRiskUser,
  emptyCounts,
  type RegistrationSnapshotStore,
  type SnapshotSummary,
} from './snapshot';

/**
 * Snapshots in one table (docs/registration.md): the pointer row (`pointer`/`current`) names the
 * current run; a row per run under `runs` (state and counts, the trend); the at-risk users of a
 * run under `run-{runId}`; notices under `notices-{runId the scan started from}`.
 */
const POINTER = { partitionKey: 'pointer', rowKey: 'current' } as const;
const RUNS = 'runs';
const NONE = 'none';
const runPartition = (runId: string) => `run-${runId}`;
const noticePartition = (since: string | undefined) => `notices-${since ?? NONE}`;
/** Entity group transactions take at most 100 actions, all in one partition. */
const TRANSACTION_SIZE = 100;

const PointerSchema = z.object({ runId: z.string(), etag: z.string() });
const RunSchema = z.object({
  rowKey: z.string(),
  state: z.enum(['writing', 'complete']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  users: z.number().optional(),
  counts: z.string().optional(),
});
const CountsSchema = z.record(
  z.enum(['member', 'guest', 'protected']),
  z.partialRecord(z.enum(REGISTRATION_CLASSES), z.number()),
);
const UserSchema = z.object({
  rowKey: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string().optional(),
  audience: z.enum(['member', 'guest', 'protected']),
  class: z.enum(AT_RISK_CLASSES),
  methodsRegistered: z.string(),
  telephonyEnds: z.string().optional(),
});

/**
 * A page of rows at a time, each read and delete with its own deadline: one deadline over a whole
 * listing of 20,000 notices ran out (bench, 100,000 users).
 */
async function deletePartition(client: TableClient, partitionKey: string): Promise<void> {
  for (;;) {
    const page = await client
      .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` }, ...storageOptions() })
      .byPage({ maxPageSize: TRANSACTION_SIZE })
      .next();
    const entities = page.done === true ? [] : page.value;
    if (entities.length === 0) return;
    const actions: TransactionAction[] = entities.map((entity) => [
      'delete',
      { partitionKey, rowKey: String(entity.rowKey) },
    ]);
    await client.submitTransaction(actions, storageOptions());
  }
}

/** A complete run the pruning keeps: only those are read (a pruned run's rows are going or gone). */
async function isKept(client: TableClient, runId: string): Promise<boolean> {
  try {
    return RunSchema.parse(await client.getEntity(RUNS, runId, storageOptions())).state === 'complete';
  } catch (error) {
    if (storageStatus(error) === 404) return false;
    throw error;
  }
}

/**
 * Table Storage's continuation token as the SDK encodes it (base64 JSON). Its keys are the
 * service's own opaque form, so only the shape is checked: the query's PartitionKey condition keeps
 * any position inside the run's partition.
 */
const TableTokenSchema = z.strictObject({
  nextPartitionKey: z.string().max(512),
  nextRowKey: z.string().max(512).optional(),
});

function assertTableToken(token: string): void {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!TableTokenSchema.safeParse(decoded).success)
    throw new InvalidPageTokenError('The page token is not one Table Storage issued.');
}

/** A continuation token that is not one this store issued for that run. */
export class InvalidPageTokenError extends Error {
  override readonly name = 'InvalidPageTokenError';
}

function toAtRiskUser(row: z.infer<typeof UserSchema>): AtRiskUser {
  return {
    userId: row.rowKey,
    userPrincipalName: row.userPrincipalName,
    ...(row.displayName === undefined ? {} : { displayName: row.displayName }),
    audience: row.audience,
    class: row.class,
    methodsRegistered: z.array(z.string()).parse(JSON.parse(row.methodsRegistered)),
    ...(row.telephonyEnds === undefined ? {} : { telephonyEnds: row.telephonyEnds }),
  };
}

export function createTableSnapshotStore(options: {
  table: () => Promise<TableClient>;
  /** REGISTRATION_SNAPSHOTS_KEPT: complete snapshots kept for the trend. */
  snapshotsKept: number;
}): RegistrationSnapshotStore {
  const summaryOf = (run: z.infer<typeof RunSchema>): SnapshotSummary => ({
    runId: run.rowKey,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? run.startedAt,
    users: run.users ?? 0,
    counts: { ...emptyCounts(), ...CountsSchema.parse(JSON.parse(run.counts ?? '{}')) },
  });

  const store: RegistrationSnapshotStore = {
    async current() {
      const client = await options.table();
      try {
        const row = PointerSchema.parse(
          await client.getEntity(POINTER.partitionKey, POINTER.rowKey, storageOptions()),
        );
        return { runId: row.runId, etag: row.etag };
      } catch (error) {
        if (storageStatus(error) === 404) return undefined;
        throw error;
      }
    },

    async begin(runId, startedAt) {
      const client = await options.table();
      await client.createEntity(
        { partitionKey: RUNS, rowKey: runId, state: 'writing', startedAt },
        storageOptions(),
      );
    },

    async writeAtRisk(runId, users) {
      const client = await options.table();
      const partitionKey = runPartition(runId);
      for (let start = 0; start < users.length; start += TRANSACTION_SIZE) {
        const actions: TransactionAction[] = users.slice(start, start + TRANSACTION_SIZE).map((user) => [
          'upsert',
          {
            partitionKey,
            rowKey: user.userId,
            userPrincipalName: user.userPrincipalName,
            ...(user.displayName === undefined ? {} : { displayName: user.displayName }),
            audience: user.audience,
            class: user.class,
            methodsRegistered: JSON.stringify(user.methodsRegistered),
            ...(user.telephonyEnds === undefined ? {} : { telephonyEnds: user.telephonyEnds }),
          },
          'Replace',
        ]);
        await client.submitTransaction(actions, storageOptions());
      }
    },

    async atRiskClass(runId, userId) {
      const client = await options.table();
      try {
        const row = await client.getEntity(runPartition(runId), userId, storageOptions());
        return UserSchema.parse(row).class;
      } catch (error) {
        if (storageStatus(error) === 404) return undefined;
        throw error;
      }
    },

    async claimNotice(sinceRunId, userId, cls) {
      const client = await options.table();
      try {
        await client.createEntity(
          { partitionKey: noticePartition(sinceRunId), rowKey: userId, class: cls },
          storageOptions(),
        );
        return true;
      } catch (error) {
        if (storageStatus(error) === 409) return false;
        throw error;
      }
    },

    async releaseNotice(sinceRunId, userId) {
      const client = await options.table();
      await client.deleteEntity(noticePartition(sinceRunId), userId, storageOptions());
    },

    async commit(summary, fromEtag) {
      const client = await options.table();
      await client.updateEntity(
        {
          partitionKey: RUNS,
          rowKey: summary.runId,
          state: 'complete',
          startedAt: summary.startedAt,
          finishedAt: summary.finishedAt,
          users: summary.users,
          counts: JSON.stringify(summary.counts),
        },
        'Replace',
        storageOptions(),
      );
      const pointer = { ...POINTER, runId: summary.runId };
      try {
        if (fromEtag === undefined) await client.createEntity(pointer, storageOptions());
        else
          await client.updateEntity(pointer, 'Replace', { etag: requireEtag(fromEtag), ...storageOptions() });
        return true;
      } catch (error) {
        const status = storageStatus(error);
        if (status === 409 || status === 412 || status === 404) return false;
        throw error;
      }
    },

    async prune() {
      const keep = options.snapshotsKept;
      const client = await options.table();
      const current = (await store.current())?.runId;
      const runs: z.infer<typeof RunSchema>[] = [];
      for await (const entity of queryRows(client, odata`PartitionKey eq ${RUNS}`))
        runs.push(RunSchema.parse(entity));
      // Run ids sort by start time; keep the newest complete ones and any run still being written
      // after the current one (another scan may be writing it).
      const complete = runs.filter((run) => run.state === 'complete').map((run) => run.rowKey);
      const kept = new Set(complete.slice(-keep));
      if (current !== undefined) kept.add(current);
      const doomed = runs.filter(
        (run) =>
          !kept.has(run.rowKey) &&
          (run.state === 'complete' || (current !== undefined && run.rowKey < current)),
      );
      for (const run of doomed) {
        await deletePartition(client, runPartition(run.rowKey));
        await deletePartition(client, noticePartition(run.rowKey));
        await client.deleteEntity(RUNS, run.rowKey, storageOptions());
      }
      // Once a snapshot exists, no scan starts from none again.
      if (current !== undefined) await deletePartition(client, noticePartition(undefined));
      return doomed.length;
    },

    async listSnapshots() {
      const client = await options.table();
      const current = (await store.current())?.runId;
      if (current === undefined) return [];
      // A run marks itself complete just before it switches the pointer: one that is newer than
      // the pointer has not switched (yet, or ever), so it is not part of the trend.
      const complete: SnapshotSummary[] = [];
      for await (const entity of queryRows(client, odata`PartitionKey eq ${RUNS}`)) {
        const run = RunSchema.parse(entity);
        if (run.state === 'complete' && run.rowKey <= current) complete.push(summaryOf(run));
      }
      return complete.slice(-options.snapshotsKept);
    },

    async listAtRisk(runId, cls, page) {
      const client = await options.table();
      if (!(await isKept(client, runId))) return undefined;
      const partitionKey = runPartition(runId);
      const users: AtRiskUser[] = [];
      let continuationToken = page.continuationToken;
      if (continuationToken !== undefined) assertTableToken(continuationToken);
      // Table Storage may answer a filtered query with fewer rows than asked and a token: ask again
      // for the rest, so a page is full unless it is the last.
      do {
        const answer = await client
          .listEntities({
            queryOptions: { filter: odata`PartitionKey eq ${partitionKey} and class eq ${cls}` },
            ...storageOptions(),
          })
          .byPage({
            maxPageSize: page.limit - users.length,
            ...(continuationToken ? { continuationToken } : {}),
          })
          .next();
        if (answer.done === true) break;
        for (const entity of answer.value) users.push(toAtRiskUser(UserSchema.parse(entity)));
        continuationToken = answer.value.continuationToken;
      } while (continuationToken !== undefined && users.length < page.limit);
      return { users, ...(continuationToken === undefined ? {} : { continuationToken }) };
    },
  };
  return store;
}

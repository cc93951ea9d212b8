import type { z } from 'zod';

import type { RegistrationReport, RegistrationUsersPage } from '../api/report-schemas';
import { AppError } from '../http/problem';
import type { RegistrationUsersQuerySchema } from '../http/report-query';
import type { TelephonyProvider } from '../registration/classify';
import type { AtRiskUser, RegistrationSnapshotStore, SnapshotSummary } from '../registration/snapshot';
import { InvalidPageTokenError } from '../registration/table-snapshot-store';
import { decodeUsersToken, encodeUsersToken } from '../registration/users-token';

export type RegistrationUsersQuery = z.output<typeof RegistrationUsersQuerySchema>;

/** Users per page when the caller gives no `limit`, as the other lists. */
const DEFAULT_LIMIT = 50;

/**
 * GET /reports/registration (docs/registration.md): the kept snapshots' counts, oldest first; the
 * last is the current one. Before the first scan: no latest, no trend.
 */
export async function readRegistrationReport(
  store: RegistrationSnapshotStore,
  settings: { telephonyProvider: TelephonyProvider; telephonyRetirement: Date },
): Promise<RegistrationReport> {
  const trend = (await readingSnapshots(() => store.listSnapshots())).map(toSnapshotView);
  return {
    telephonyProvider: settings.telephonyProvider,
    telephonyRetirement: settings.telephonyRetirement.toISOString(),
    latest: trend.at(-1) ?? null,
    trend,
  };
}

/**
 * GET /reports/registration/users: one page of the current snapshot's users of one at-risk class.
 * The continuation token names its snapshot, so paging stays in it when a newer scan switches
 * meanwhile, until that snapshot is pruned (then 400: start again).
 */
export async function listRegistrationUsers(
  store: RegistrationSnapshotStore,
  query: RegistrationUsersQuery,
): Promise<RegistrationUsersPage> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const cursor = query.continuationToken === undefined ? undefined : decodeUsersToken(query.continuationToken);
  if (cursor !== undefined && cursor.class !== query.class)
    throw invalidToken(`was issued for class ${cursor.class}`);
  const runId = cursor?.runId ?? (await readingSnapshots(() => store.current()))?.runId;
  if (runId === undefined) return { users: [] };
  let page: Awaited<ReturnType<RegistrationSnapshotStore['listAtRisk']>>;
  try {
    page = await readingSnapshots(() =>
      store.listAtRisk(runId, query.class, {
        limit,
        ...(cursor === undefined ? {} : { continuationToken: cursor.page }),
      }),
    );
  } catch (error) {
    if (error instanceof InvalidPageTokenError) throw invalidToken('is not a token this service issued');
    throw error;
  }
  if (page === undefined) {
    if (cursor !== undefined)
      throw invalidToken('pages through a snapshot that is no longer kept; start again without it');
    // Pruned between reading the pointer and the page: only a newer snapshot exists now.
    return { users: [] };
  }
  return {
    runId,
    users: page.users.map(toUserView),
    ...(page.continuationToken === undefined
      ? {}
      : { continuationToken: encodeUsersToken({ runId, class: query.class, page: page.continuationToken }) }),
  };
}

/** Any storage failure (unreachable, timed out, refused) is the report being unavailable. */
async function readingSnapshots<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AppError || error instanceof InvalidPageTokenError) throw error;
    throw new AppError('reports_unavailable', 'The registration snapshots could not be read.', {
      cause: error,
    });
  }
}

function invalidToken(message: string): AppError {
  return new AppError('invalid_request', `The continuation token ${message}.`, {
    errors: [{ path: 'continuationToken', message }],
  });
}

function toSnapshotView(summary: SnapshotSummary): RegistrationReport['trend'][number] {
  return {
    runId: summary.runId,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    users: summary.users,
    counts: summary.counts,
  };
}

function toUserView(user: AtRiskUser): RegistrationUsersPage['users'][number] {
  return {
    userId: user.userId,
    userPrincipalName: user.userPrincipalName,
    ...(user.displayName === undefined ? {} : { displayName: user.displayName }),
    audience: user.audience,
    class: user.class,
    methodsRegistered: [...user.methodsRegistered],
    // Stored as the day; the answer gives the instant, like telephonyRetirement.
    ...(user.telephonyEnds === undefined
      ? {}
      : { telephonyEnds: new Date(`${user.telephonyEnds}T00:00:00Z`).toISOString() }),
  };
}

import { createHash } from 'node:crypto';

import { forEachLimited } from '../concurrency';
import type { Config } from '../config';
import { countAttempts, type UserFailures } from './aggregate';
import type { StoredLockoutFlag } from './lockout-flag';
import { mergeFlag, type MergeResult } from './merge-flag';
import type { ProtectedUsers } from './protected-users';
import type { DetectionNotice, LockoutEventPublisher, LockoutStore } from './repositories';

export interface FlagWriterDeps {
  lockouts: LockoutStore;
  lockoutEvents: LockoutEventPublisher;
  notify: (notice: DetectionNotice) => Promise<void>;
  settings: Config['detection'];
  /** Users the guard would refuse (see protected-users.ts); their flags carry `protected: true`. */
  protectedUsers: ProtectedUsers;
}

/** What the writes did, counted into the scan's report. */
export interface FlagCounts {
  opened: number;
  reopened: number;
  updated: number;
  writes: number;
  conflicts: number;
}

const MAX_WRITE_ATTEMPTS = 5;
/** Flags decided, announced and written together: one table transaction's worth. */
const WRITE_CHUNK = 100;
/** Chunks in flight at once, so one chunk's queue messages overlap another's table write. */
const CHUNKS_AT_ONCE = 2;
/** Queue messages in flight at once within a chunk. */
const SENDS_AT_ONCE = 16;

/** A UUID-shaped id derived from what identifies one event, so overlapping runs agree on it. */
function derivedEventId(identity: string): string {
  const hex = createHash('sha256').update(identity).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** One opening of one flag. */
function openingEventId(userId: string, reopenCount: number, firstFailureAt: string): string {
  return derivedEventId(`${userId}|${reopenCount}|${firstFailureAt}`);
}

/** The one escalation an opening can have (a suspected-attack flag never goes back to lockout). */
function escalationEventId(openEventId: string): string {
  return derivedEventId(`${openEventId}|suspected_attack`);
}

/**
 * Folds a window's failures into the users' flags: reads their flags in bulk, asks who is
 * protected (only for flags that may open now: at the threshold in this window, with no flag or a
 * resolved one), then decides, announces and writes the flags that change, a chunk at a time.
 */
export async function writeFlags(
  deps: FlagWriterDeps,
  users: readonly UserFailures[],
  options: { horizon: Date; now: () => Date; counts: FlagCounts },
): Promise<void> {
  const existing = await deps.lockouts.getMany(users.map((user) => user.userId));
  const protectedIds = await deps.protectedUsers(
    users
      .filter((user) => {
        const flag = existing.get(user.userId);
        return (!flag || flag.status === 'resolved') && mayOpen(user, deps.settings);
      })
      .map((user) => user.userId),
  );
  const context: WriteContext = { ...options, protectedIds };
  // Decided chunk by chunk as the writers ask for them: only the flags in flight are in memory.
  await forEachLimited(changeChunks(deps, users, existing, context), CHUNKS_AT_ONCE, (chunk) =>
    writeChunk(deps, chunk, context),
  );
}

function mayOpen(user: UserFailures, settings: Config['detection']): boolean {
  const { lockout, attack } = countAttempts(user.attempts.values());
  return attack >= settings.attackThreshold || lockout >= settings.lockoutThreshold;
}

interface WriteContext {
  horizon: Date;
  now: () => Date;
  counts: FlagCounts;
  protectedIds: ReadonlySet<string>;
}

interface Change {
  user: UserFailures;
  etag: string | undefined;
  result: Exclude<MergeResult, { kind: 'unchanged' }>;
}

function decide(
  deps: FlagWriterDeps,
  user: UserFailures,
  existing: StoredLockoutFlag | undefined,
  context: WriteContext,
): MergeResult {
  return mergeFlag(existing, user, {
    lockoutThreshold: deps.settings.lockoutThreshold,
    attackThreshold: deps.settings.attackThreshold,
    recentLimit: deps.settings.recentEvents,
    horizon: context.horizon,
    now: context.now(),
    isProtected: context.protectedIds.has(user.userId),
    eventId: (userId, first) => openingEventId(userId, existing ? existing.reopenCount + 1 : 0, first),
  });
}

function* changeChunks(
  deps: FlagWriterDeps,
  users: readonly UserFailures[],
  existing: ReadonlyMap<string, StoredLockoutFlag>,
  context: WriteContext,
): Generator<Change[]> {
  let chunk: Change[] = [];
  for (const user of users) {
    const flag = existing.get(user.userId);
    const result = decide(deps, user, flag, context);
    if (result.kind === 'unchanged') continue;
    chunk.push({ user, etag: flag?.etag, result });
    if (chunk.length === WRITE_CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Announces the chunk's openings, then writes its flags in one transaction. Messages go first: if
 * the write is lost, the next run sends the same eventIds again (consumers dedupe); if a send
 * fails, nothing is written and the watermark stays. A flag that lost its race is re-read and
 * decided again on its own.
 */
async function writeChunk(deps: FlagWriterDeps, chunk: Change[], context: WriteContext): Promise<void> {
  await forEachLimited(chunk, SENDS_AT_ONCE, ({ result }) => announce(deps, result));
  context.counts.writes += chunk.length;
  const written = await deps.lockouts.putMany(chunk.map(({ result, etag }) => ({ flag: result.flag, etag })));
  await forEachLimited(chunk, SENDS_AT_ONCE, async ({ user, result }, index) => {
    if (written[index]) {
      context.counts[result.kind] += 1;
      return;
    }
    context.counts.conflicts += 1;
    await rewriteFlag(deps, user, context);
  });
}

/** Openings and escalations go on `lockout-events`; a suspected attack also goes to security operations. */
async function announce(deps: FlagWriterDeps, result: Change['result']): Promise<void> {
  if (result.kind === 'updated' && !result.escalated) return;
  const { flag } = result;
  const escalation = result.kind === 'updated';
  const eventId = escalation ? escalationEventId(flag.openEventId) : flag.openEventId;
  await deps.lockoutEvents.publish({
    schemaVersion: 1,
    eventId,
    type: escalation ? 'lockout.escalated' : result.kind === 'opened' ? 'lockout.opened' : 'lockout.reopened',
    time: escalation ? flag.updatedAt : flag.openedAt,
    userId: flag.userId,
    ...(flag.userPrincipalName ? { userPrincipalName: flag.userPrincipalName } : {}),
    category: flag.category,
    protected: flag.protected,
    lockoutAttempts: flag.lockoutAttempts,
    attackAttempts: flag.attackAttempts,
    firstFailureAt: flag.firstFailureAt,
    lastFailureAt: flag.lastFailureAt,
  });
  if (flag.category !== 'suspected_attack') return;
  await deps.notify({
    type: 'security.mfa_attack_suspected',
    eventId,
    targetId: flag.userId,
    ...(flag.userPrincipalName ? { targetUpn: flag.userPrincipalName } : {}),
    details: {
      eventId,
      attackAttempts: flag.attackAttempts,
      lastFailureAt: flag.lastFailureAt,
      protected: flag.protected,
    },
  });
}

/** The slow path after a lost race: re-read, decide, announce, write; a few times at most. */
async function rewriteFlag(deps: FlagWriterDeps, user: UserFailures, context: WriteContext): Promise<void> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
    const existing = await deps.lockouts.get(user.userId);
    const result = decide(deps, user, existing, context);
    if (result.kind === 'unchanged') return;
    await announce(deps, result);
    context.counts.writes += 1;
    if (await deps.lockouts.put(result.flag, existing?.etag)) {
      context.counts[result.kind] += 1;
      return;
    }
    context.counts.conflicts += 1;
  }
  throw new Error(
    `Lockout flag for ${user.userId} kept changing; gave up after ${MAX_WRITE_ATTEMPTS} attempts.`,
  );
}

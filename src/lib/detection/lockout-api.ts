import { AppError } from '../http/problem';
import type { UserReference } from '../http/user-reference';
import type { LockoutFlag, StoredLockoutFlag } from './lockout-flag';
import type { LockoutStore } from './repositories';

/** What the API shows of a flag: everything but the bookkeeping (ETag, counted-attempt keys). */
export type LockoutView = Omit<LockoutFlag, 'countedAttempts'>;

export function toLockoutView(flag: StoredLockoutFlag): LockoutView {
  const view: Partial<StoredLockoutFlag> = { ...flag };
  delete view.countedAttempts;
  delete view.etag;
  return view as LockoutView;
}

/** What reading and updating one flag needs of the store. */
export type FlagAccess = Pick<LockoutStore, 'get' | 'findByUpn' | 'put'>;

export async function findLockout(store: FlagAccess, user: UserReference): Promise<StoredLockoutFlag> {
  const flag = user.kind === 'id' ? await store.get(user.id) : await store.findByUpn(user.upn);
  if (!flag) throw new AppError('lockout_not_found', 'This user has no lockout flag.');
  return flag;
}

/** open → acknowledged → resolved (open → resolved allowed); resolved is final until new failures. */
export async function updateLockout(
  store: FlagAccess,
  user: UserReference,
  change: FlagChange,
  now: Date = new Date(),
): Promise<LockoutView> {
  return await changeFlag(store, await findLockout(store, user), change, now);
}

export interface FlagChange {
  status: 'acknowledged' | 'resolved';
  ticket: string;
}

/** The same, on a flag already read: ETag-guarded, so a flag changed meanwhile is `lockout_changed`. */
export async function changeFlag(
  store: FlagAccess,
  flag: StoredLockoutFlag,
  change: FlagChange,
  now: Date = new Date(),
): Promise<LockoutView> {
  if (flag.status === change.status) return toLockoutView(flag);
  if (flag.status === 'resolved' || (flag.status === 'acknowledged' && change.status !== 'resolved')) {
    throw new AppError('lockout_transition_invalid', `A ${flag.status} flag cannot become ${change.status}.`);
  }
  const { etag, ...fields } = flag;
  const updated: LockoutFlag = {
    ...fields,
    status: change.status,
    ticket: change.ticket,
    updatedAt: now.toISOString(),
  };
  if (change.status === 'acknowledged') updated.acknowledgedAt = now.toISOString();
  else updated.resolvedAt = now.toISOString();
  const written = await store.put(updated, etag);
  if (!written) throw new AppError('lockout_changed', 'The flag changed while being updated; try again.');
  return toLockoutView(written);
}

/**
 * A successful reset or TAP resolves the user's open lockout flag, with the action's ticket. A
 * suspected-attack flag stays for security operations to close: recovery is no answer to it.
 */
export async function resolveAfterRecovery(
  store: FlagAccess,
  userId: string,
  ticket: string,
  now: Date = new Date(),
): Promise<boolean> {
  const flag = await store.get(userId);
  if (!flag || flag.status === 'resolved' || flag.category !== 'lockout') return false;
  await updateLockout(store, { kind: 'id', id: userId }, { status: 'resolved', ticket }, now);
  return true;
}

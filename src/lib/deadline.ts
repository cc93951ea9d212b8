import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One action's deadline, shared by every outbound call it makes (Graph, Table Storage, the queue)
 * without threading it through each signature: the Graph client's DeadlineHandler and the storage
 * modules read it from the running action's async context.
 *
 * Two instants: tenant calls stop at `tenantAt`, a slice before `answerAt`, so that the audit row,
 * the event and the idempotency record of a change made just in time can still be written before
 * the caller's answer is due.
 */
export interface ActionDeadline {
  /** Epoch ms: no Graph request starts after this, and one still running is aborted. */
  tenantAt: number;
  /** Epoch ms: the answer is due; bookkeeping in Table Storage and the queue is cut off here. */
  answerAt: number;
  tenantSignal: AbortSignal;
  answerSignal: AbortSignal;
}

/** A fifth of the budget, at most 5 s, is kept for the bookkeeping after the last tenant call. */
const BOOKKEEPING_SHARE = 0.2;
const MAX_BOOKKEEPING_MS = 5_000;

export function actionDeadline(budgetMs: number, now = Date.now()): ActionDeadline {
  const bookkeepingMs = Math.min(MAX_BOOKKEEPING_MS, Math.round(budgetMs * BOOKKEEPING_SHARE));
  const tenantMs = budgetMs - bookkeepingMs;
  return {
    tenantAt: now + tenantMs,
    answerAt: now + budgetMs,
    tenantSignal: AbortSignal.timeout(Math.max(0, tenantMs)),
    answerSignal: AbortSignal.timeout(Math.max(0, budgetMs)),
  };
}

const running = new AsyncLocalStorage<ActionDeadline>();

export async function withDeadline<T>(deadline: ActionDeadline, work: () => Promise<T>): Promise<T> {
  return await running.run(deadline, work);
}

export function currentDeadline(): ActionDeadline | undefined {
  return running.getStore();
}

/** Thrown instead of starting a tenant call past the deadline: nothing was sent. */
export class DeadlinePassedError extends Error {
  override readonly name = 'DeadlinePassedError';
}

/** The signal for one storage operation: its own timeout, cut short by the running action's answer deadline. */
export function storageSignal(timeoutMs: number): AbortSignal {
  const own = AbortSignal.timeout(timeoutMs);
  const deadline = currentDeadline();
  return deadline ? AbortSignal.any([own, deadline.answerSignal]) : own;
}

/** Waits `ms`, or less when the tenant deadline comes first. */
export async function sleepWithin(ms: number): Promise<void> {
  const deadline = currentDeadline();
  const wait = deadline ? Math.min(ms, Math.max(0, deadline.tenantAt - Date.now())) : ms;
  if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
}

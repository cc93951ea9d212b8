import type { CallerSettings } from '../config';
import type { GuardDecision } from '../guard';
import { AppError } from '../http/problem';
import type { Caller } from './caller';
import { stepUpChallenge } from './challenge';

/**
 * What this caller may do to the target the guard resolved, from the memberships the guard read
 * anyway (no extra round trip):
 * - a caller scoped in CALLER_SCOPES acts only on members of its administrative units or groups
 *   (403 `out_of_scope`);
 * - a signed-in person acting on a protected account needs the STEP_UP_AUTH_CONTEXT authentication
 *   context in the token (401 claims challenge), so a stolen session alone is not enough.
 * Break-glass targets are left to the guard's refusal. Returns the refusal, or undefined.
 */
export function targetAccessRefusal(
  caller: Caller,
  verdict: GuardDecision,
  settings: Pick<CallerSettings, 'scopes' | 'stepUpAuthContext' | 'token'>,
): AppError | undefined {
  if (!verdict.allowed && verdict.code === 'break_glass_account') return undefined;
  const outOfScope = scopeRefusal(caller, verdict, settings);
  if (outOfScope) return outOfScope;
  const context = settings.stepUpAuthContext;
  if (
    !verdict.allowed &&
    caller.kind === 'user' &&
    context !== undefined &&
    !caller.authContexts.has(context)
  ) {
    return stepUpChallenge(settings.token.tenantId, context);
  }
  return undefined;
}

/** 403 `out_of_scope` when CALLER_SCOPES limits this caller and the target is in none of its units or groups. */
export function scopeRefusal(
  caller: Caller,
  verdict: GuardDecision,
  settings: Pick<CallerSettings, 'scopes'>,
): AppError | undefined {
  const scope = settings.scopes.get(caller.id);
  if (scope === undefined) return undefined;
  const { groupIds, administrativeUnitIds = new Set<string>() } = verdict.target;
  if ([...scope].some((id) => groupIds.has(id) || administrativeUnitIds.has(id))) return undefined;
  return new AppError(
    'out_of_scope',
    'This caller may act only on members of its administrative units or groups.',
  );
}

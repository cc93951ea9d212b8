import { type Caller, requireRole } from '../../src/lib/auth/caller';
import type { Role } from '../../src/lib/auth/roles';

/** The caller a route test has chosen for its next in-process request. */
export const chosen: { caller: Caller | undefined } = { caller: undefined };

/**
 * src/lib/auth/authenticate.ts for route tests that choose their caller: both answer
 * `chosen.caller`, and requireCaller puts it through the real role check. The test file's
 * vi.mock factory returns it, read with vi.importActual (vi.mock is hoisted above the imports).
 */
export const chosenCallerAuthentication = {
  authenticate: () => Promise.resolve(chosen.caller),
  requireCaller: (_request: unknown, role: Role) => {
    requireRole(chosen.caller!, role);
    return Promise.resolve(chosen.caller);
  },
};

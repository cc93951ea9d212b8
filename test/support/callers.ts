import type { Caller } from '../../src/lib/auth/caller';
import { DEFAULT_FUNCTION_KEY_ROLES, type Role } from '../../src/lib/auth/roles';

/** A caller for tests that build requests in process: the function-key caller unless told otherwise. */
export function testCaller(
  overrides: Partial<Omit<Caller, 'roles'>> & { roles?: readonly Role[] } = {},
): Caller {
  const { roles = DEFAULT_FUNCTION_KEY_ROLES, ...rest } = overrides;
  return {
    id: 'function-key',
    kind: 'functionKey',
    authContexts: new Set(),
    ...rest,
    roles: new Set(roles),
  };
}

import { graphPermissions } from '../../src/lib/graph/graph-calls';

/**
 * The Microsoft Graph application permissions (app roles) the Function App's managed identity
 * holds: the union of what the app's Graph calls rely on (src/lib/graph/graph-calls.ts, where each
 * call says why; docs/threat-model.md, "Automation identity abuse"). Widen it there, and only
 * there; infra/main.bicep grants the same names (a test holds the two equal).
 *
 * Never among them: UserAuthenticationMethod.ReadWrite.All, Directory.ReadWrite.All,
 * RoleManagement.ReadWrite.Directory (Tier 0). Without UserAuthenticationMethod.ReadWrite.All the
 * app can't change a user's default MFA method (beta signInPreferences PATCH): a reset removes the
 * default method last instead (docs/graph-calls.md).
 */
export const DEFAULT_APP_ROLES: readonly string[] = graphPermissions();

/**
 * The Microsoft Graph application permissions (app roles) the Function App's managed identity
 * holds today: the least privilege for the operations it calls. Widen this list, and only this
 * list, when a new operation needs more; infra grants the same names.
 */
export const DEFAULT_APP_ROLES: readonly string[] = ['User.Read.All', 'UserAuthenticationMethod.Read.All'];

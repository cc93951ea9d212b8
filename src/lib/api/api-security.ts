import type { CallerSettings } from '../config';

/** How callers authenticate, as the documents describe it (docs/callers.md). */
export type ApiSecurity =
  { mode: 'functionKey' } | { mode: 'entraToken'; tenantId: string; appIdUri: string };

/** The scheme's name in both documents: the caller mode's name. */
export const securitySchemeName = (security: ApiSecurity) => security.mode;

export function apiSecurityFrom(settings: Pick<CallerSettings, 'mode' | 'token'>): ApiSecurity {
  if (settings.mode === 'functionKey') return { mode: 'functionKey' };
  const [clientId, appIdUri] = settings.token.audiences;
  return { mode: 'entraToken', tenantId: settings.token.tenantId, appIdUri: appIdUri ?? `api://${clientId}` };
}

export const tokenUrl = (tenantId: string) =>
  `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`;

export const FUNCTION_KEY_HEADER = 'x-functions-key';

import { z } from 'zod';

import { UserReferenceSchema } from '../http/user-reference';
import { MethodIdSchema } from '../recovery/action-schemas';

/**
 * An approval id as the documents show it. The handlers' ApprovalIdSchema tests a case-insensitive
 * regex, which zod-to-openapi renders with its `/i` flag glued to the pattern; z.guid() accepts
 * the same ids and renders as a plain pattern.
 */
export const DocumentedApprovalId = z.guid();

/** The schema of each route parameter, by name, as the handlers parse it; any other name is a string. */
const PATH_PARAMETERS: Record<string, z.ZodType> = {
  user: UserReferenceSchema.describe('The user: an Entra object id (GUID) or a userPrincipalName.'),
  methodId: MethodIdSchema.describe('The id of the authentication method.'),
  id: DocumentedApprovalId.describe('The approval id from a 202 answer.'),
};

export const routeParameterNames = (route: string): string[] =>
  [...route.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);

/** The path parameters of a route as one object schema. */
export function pathParametersOf(route: string): z.ZodObject | undefined {
  const names = routeParameterNames(route);
  if (names.length === 0) return undefined;
  return z.object(
    Object.fromEntries(
      names.map((name) => [name, PATH_PARAMETERS[name] ?? z.string().describe(`The ${name}.`)]),
    ),
  );
}

import type { RouteDefinition } from '../router';
import { listAuthenticationMethods } from './authentication-methods';
import { batch } from './batch';
import { getUser } from './users';

/** Every Graph operation the simulator serves. A new route needs a case in the OpenAPI conformance test. */
export const GRAPH_ROUTES: readonly RouteDefinition[] = [getUser, listAuthenticationMethods, batch];

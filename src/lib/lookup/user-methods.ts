import type { Client } from '@microsoft/microsoft-graph-client';

import { type DirectoryUser, getUser, listAuthenticationMethods } from '../graph/users';
import { graphClientRequestId } from '../http/correlation';
import type { UserReference } from '../http/user-reference';
import { type MethodView, toMethodView } from './method-view';

export interface UserMethods {
  user: DirectoryUser;
  methods: MethodView[];
}

/** The user and every registered method; both Graph reads run at once (one round trip of latency). */
export async function lookUpUserMethods(
  graph: Client,
  user: UserReference,
  correlationId: string,
): Promise<UserMethods> {
  const clientRequestId = graphClientRequestId(correlationId);
  const [directoryUser, methods] = await Promise.all([
    getUser(graph, user, clientRequestId),
    listAuthenticationMethods(graph, user, clientRequestId),
  ]);
  return { user: directoryUser, methods: methods.map(toMethodView) };
}

import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

import { CONTROL_PREFIX } from './control';
import { GRAPH_FILES } from './files';
import type { GraphRequest, GraphResponse } from './messages';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toGraphRequest(request: IncomingMessage, body: string): GraphRequest {
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: (request.method ?? 'GET').toUpperCase(),
    path: queryStart === -1 ? target : target.slice(0, queryStart),
    query: queryStart === -1 ? '' : target.slice(queryStart + 1),
    headers,
    body,
  };
}

function send(response: ServerResponse, result: GraphResponse): void {
  const payload = result.body === undefined ? undefined : JSON.stringify(result.body);
  response.writeHead(result.status, result.headers);
  response.end(payload);
}

export interface Handlers {
  graph(request: GraphRequest): Promise<GraphResponse>;
  control(request: GraphRequest): GraphResponse;
}

/** HTTPS with the repository's throwaway localhost certificate: the Graph client sends tokens only over https. */
export async function listenHttps(
  handlers: Handlers,
  port: number,
): Promise<{ server: Server; port: number }> {
  const server = createServer(
    { cert: readFileSync(GRAPH_FILES.tlsCert), key: readFileSync(GRAPH_FILES.tlsKey) },
    (request, response) => {
      void (async () => {
        try {
          const body = await readBody(request);
          if (body === undefined) {
            send(response, {
              status: 413,
              headers: {},
              body: { error: { code: 'requestTooLarge', message: 'Body too large.' } },
            });
            return;
          }
          const graphRequest = toGraphRequest(request, body);
          const result = graphRequest.path.startsWith(CONTROL_PREFIX)
            ? handlers.control(graphRequest)
            : await handlers.graph(graphRequest);
          send(response, result);
        } catch (error) {
          // A simulator bug: say so plainly instead of hanging the caller.
          const message = error instanceof Error ? error.message : String(error);
          if (!response.headersSent)
            send(response, {
              status: 500,
              headers: {},
              body: { error: { code: 'simulatorError', message } },
            });
          else response.destroy();
        }
      })();
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** A Graph request as the pipeline sees it: from the wire, or unpacked from a JSON batch. */
export interface GraphRequest {
  /** Upper case. */
  method: string;
  /** The URL path as sent (still percent-encoded), without the query, e.g. `/v1.0/users/x%23EXT%23@y`. */
  path: string;
  /** The query string as sent, without the `?`; empty when none. */
  query: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Raw body text; empty when none. */
  body: string;
  /** Set for requests unpacked from a `$batch`, with the batch step's id. */
  batchStepId?: string;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON value, or undefined for no body. */
  body?: unknown;
}

/** What a handler returns: a response, or a Graph error the pipeline renders with the request's ids. */
export type HandlerResult =
  { kind: 'response'; status: number; body?: unknown; headers?: Record<string, string> } | GraphErrorSpec;

export interface GraphErrorSpec {
  kind: 'error';
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  /** Extra `innerError` members (the throttling body carries `code`, `status`, `message`). */
  innerError?: Record<string, string>;
}

/** One query parameter, decoded (`%24select` and `$select` alike). */
export function queryParameter(request: GraphRequest, name: string): string | null {
  return new URLSearchParams(request.query).get(name);
}

export function ok(body: unknown, status = 200): HandlerResult {
  return { kind: 'response', status, body };
}

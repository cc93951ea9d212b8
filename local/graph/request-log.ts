/** One Graph request the simulator received (a JSON batch logs itself and each of its steps). */
export interface RequestLogEntry {
  /** Arrival order, from 1 (again after a clear). */
  seq: number;
  /** Arrival time, ISO 8601. */
  time: string;
  method: string;
  /** URL path as sent, without the query. */
  path: string;
  /** Query string without the `?`; empty when none. */
  query: string;
  /** Undefined while the request is still being handled. */
  status?: number;
  /**
   * The last `seq` that had arrived when this request was answered: a request whose `seq` is at
   * most this one's `answeredAfterSeq` overlapped it (how concurrent batch steps show).
   */
  answeredAfterSeq?: number;
  /** The simulator route that handled it, e.g. `GET /users/{user-id}`. */
  route?: string;
  inBatch: boolean;
  batchStepId?: string;
  /**
   * The `SdkVersion` header of the request (of its batch, for a step), e.g. `graph-js/3.0.7`: set
   * when a Graph SDK sent it, which tells the app's requests from a test's own.
   */
  sdkVersion?: string;
  requestId: string;
  clientRequestId: string;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  start(entry: Omit<RequestLogEntry, 'seq' | 'time'>): RequestLogEntry {
    this.seq += 1;
    const logged: RequestLogEntry = { seq: this.seq, time: new Date().toISOString(), ...entry };
    this.entries.push(logged);
    return logged;
  }

  /** Records the answer's status once the request has been handled. */
  finish(entry: RequestLogEntry, status: number): void {
    entry.status = status;
    entry.answeredAfterSeq = this.seq;
  }

  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  /** Empties the log; numbering starts again at 1. */
  clear(): void {
    this.entries = [];
    this.seq = 0;
  }
}

export interface WindowSettings {
  lookBackMs: number;
  endOffsetMs: number;
  backfillMs: number;
  retentionMs: number;
}

export interface ScanWindow {
  start: Date;
  end: Date;
  /** The watermark (or backfill start) is older than the tenant keeps sign-ins: events were missed. */
  gap: boolean;
}

/** `[watermark − look-back, now − end offset]`; first run `[now − backfill, …]`; never before retention. */
export function scanWindow(watermark: string | undefined, now: Date, settings: WindowSettings): ScanWindow {
  const end = new Date(now.getTime() - settings.endOffsetMs);
  // A minute inside retention, so a slow run does not ask for events Graph has just dropped.
  const oldest = now.getTime() - settings.retentionMs + 60_000;
  const wanted = watermark
    ? new Date(watermark).getTime() - settings.lookBackMs
    : now.getTime() - settings.backfillMs;
  const gap = watermark !== undefined && new Date(watermark).getTime() < oldest;
  return { start: new Date(Math.max(wanted, oldest)), end, gap };
}

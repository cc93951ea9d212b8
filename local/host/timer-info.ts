// The trigger value a timer function receives: the host's TimerInfo JSON (PascalCase, as in the
// Azure timer trigger docs); the library camel-cases it into `{ schedule, scheduleStatus, isPastDue }`.

/** .NET's default(DateTime), which the host reports as Last before a timer has ever run. */
const NEVER = '0001-01-01T00:00:00';

export interface ScheduleStatus {
  readonly last: Date | undefined;
  readonly next: Date | undefined;
  readonly lastUpdated: Date;
}

export function timerInfoJson(status: ScheduleStatus | undefined, isPastDue: boolean): string {
  return JSON.stringify({
    Schedule: { AdjustForDST: true },
    ScheduleStatus: status
      ? {
          Last: status.last?.toISOString() ?? NEVER,
          Next: status.next?.toISOString() ?? NEVER,
          LastUpdated: status.lastUpdated.toISOString(),
        }
      : null,
    IsPastDue: isPastDue,
  });
}

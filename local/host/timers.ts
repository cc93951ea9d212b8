// Timer triggers: each schedule runs on croner with NCRONTAB semantics (see ncrontab.ts), plus
// runOnStartup, and never two runs of one timer at a time: a tick (or an admin run) that arrives
// while the previous run is still going is skipped and logged.

import { Cron } from 'croner';

import { HostSystemError, toError } from './errors';
import type { TimerFunction } from './function-index';
import type { HostLogger } from './host-log';
import type { Invoke } from './invoke';
import { CRONER_NCRONTAB_OPTIONS } from './ncrontab';
import { type ScheduleStatus, timerInfoJson } from './timer-info';

export type TimerRunResult = 'started' | 'skipped';

interface TimerState {
  readonly fn: TimerFunction;
  readonly schedule: Cron;
  job: Cron | undefined;
  running: Promise<void> | undefined;
  status: ScheduleStatus;
}

export interface TimerSchedulerOptions {
  /** IANA zone for schedules (WEBSITE_TIME_ZONE in Azure); local time when undefined, like func. */
  readonly timezone: string | undefined;
}

export class TimerScheduler {
  readonly #timers = new Map<string, TimerState>();
  readonly #invoke: Invoke;
  readonly #logger: HostLogger;
  readonly #timezone: string | undefined;

  constructor(
    functions: readonly TimerFunction[],
    invoke: Invoke,
    logger: HostLogger,
    options: TimerSchedulerOptions,
  ) {
    this.#invoke = invoke;
    this.#logger = logger;
    this.#timezone = options.timezone;
    const now = new Date();
    for (const fn of functions) {
      // A paused job is a pure calculator for next occurrences; computing one now surfaces a bad
      // pattern or time zone at startup rather than at the first tick.
      let schedule: Cron;
      let next: Date | null;
      try {
        schedule = this.#cron(fn, { paused: true });
        next = schedule.nextRun(now);
      } catch (thrown) {
        throw new HostSystemError(`Timer '${fn.name}' cannot be scheduled: ${toError(thrown).message}`);
      }
      const status = { last: undefined, next: next ?? undefined, lastUpdated: now };
      this.#timers.set(fn.name.toLowerCase(), { fn, schedule, job: undefined, running: undefined, status });
    }
  }

  /** Starts the schedules and the runOnStartup runs. */
  start(): void {
    for (const timer of this.#timers.values()) {
      timer.job = this.#cron(timer.fn, {}, () => {
        this.run(timer.fn.name, `Timer fired at ${new Date().toISOString()}`);
      });
      const next = timer.job.nextRun();
      this.#logger.host(
        'information',
        `Timer '${timer.fn.name}' (${timer.fn.schedule.expression}) next runs at ${next?.toISOString() ?? 'never'}`,
      );
    }
    for (const timer of this.#timers.values()) {
      if (timer.fn.runOnStartup) this.run(timer.fn.name, 'Timer fired because runOnStartup is set');
    }
  }

  /** Runs a timer now unless its previous run is still going. Unknown names throw. */
  run(name: string, reason: string): TimerRunResult {
    const timer = this.#timers.get(name.toLowerCase());
    if (!timer) throw new Error(`No timer function named "${name}".`);
    if (timer.running) {
      this.#logger.host(
        'warning',
        `Timer '${timer.fn.name}': skipped (${reason}) because the previous run is still in progress.`,
      );
      return 'skipped';
    }
    timer.running = this.#runOnce(timer, reason)
      .catch((thrown: unknown) => {
        this.#logger.host('error', `Timer '${timer.fn.name}' failed in the host: ${toError(thrown).message}`);
      })
      .finally(() => {
        timer.running = undefined;
      });
    return 'started';
  }

  /** Stops the schedules; runs already going continue (see whenIdle). */
  stop(): void {
    for (const timer of this.#timers.values()) {
      timer.job?.stop();
      timer.job = undefined;
      timer.schedule.stop();
    }
  }

  async whenIdle(): Promise<void> {
    await Promise.all([...this.#timers.values()].flatMap((timer) => (timer.running ? [timer.running] : [])));
  }

  async #runOnce(timer: TimerState, reason: string): Promise<void> {
    const firedAt = new Date();
    // Without a persisted schedule status nothing can be missed, so IsPastDue stays false.
    const status = timer.fn.useMonitor ? timer.status : undefined;
    await this.#invoke(timer.fn, { data: { json: timerInfoJson(status, false) }, reason });
    const now = new Date();
    timer.status = { last: firedAt, next: timer.schedule.nextRun(now) ?? undefined, lastUpdated: now };
  }

  #cron(fn: TimerFunction, options: { paused?: boolean }, callback?: () => void): Cron {
    const cronOptions = { ...CRONER_NCRONTAB_OPTIONS, ...options, timezone: this.#timezone };
    return callback
      ? new Cron(fn.schedule.cronerPattern, cronOptions, callback)
      : new Cron(fn.schedule.cronerPattern, cronOptions);
  }
}

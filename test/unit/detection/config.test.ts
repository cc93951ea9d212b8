import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../src/lib/config';

const AZURITE = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('detection settings', () => {
  it('default to the README settings: 500121, 2 h 15 min look-back, 2 min offset, 24 h backfill, 3 / 1', () => {
    const config = loadConfig(AZURITE);
    expect(config.detection).toEqual({
      schedule: '0 */5 * * * *',
      errorCodes: [500121],
      lookBackMs: 135 * 60_000,
      endOffsetMs: 2 * 60_000,
      backfillMs: 24 * 3_600_000,
      retentionMs: 30 * 86_400_000,
      lockoutThreshold: 3,
      attackThreshold: 1,
      recentEvents: 10,
      timeBudgetMs: 240_000,
      postRecoveryWatchMs: 24 * 3_600_000,
      postRecoveryBaselineMs: 14 * 86_400_000,
    });
    expect(config.queues.lockoutEvents).toBe('lockout-events');
    expect(config.reports).toEqual({ requestsPerWindow: 4, windowMs: 10_000 });
  });

  it('switches the watch after a recovery off with 0 and bounds it to a week, its baseline to 30 days', () => {
    expect(loadConfig({ ...AZURITE, POST_RECOVERY_WATCH_HOURS: '0' }).detection.postRecoveryWatchMs).toBe(0);
    expect(loadConfig({ ...AZURITE, POST_RECOVERY_WATCH_HOURS: '168' }).detection.postRecoveryWatchMs).toBe(
      168 * 3_600_000,
    );
    expect(() => loadConfig({ ...AZURITE, POST_RECOVERY_WATCH_HOURS: '169' })).toThrow(
      /POST_RECOVERY_WATCH_HOURS/,
    );
    expect(
      loadConfig({ ...AZURITE, POST_RECOVERY_BASELINE_DAYS: '30' }).detection.postRecoveryBaselineMs,
    ).toBe(30 * 86_400_000);
    expect(() => loadConfig({ ...AZURITE, POST_RECOVERY_BASELINE_DAYS: '31' })).toThrow(
      /POST_RECOVERY_BASELINE_DAYS/,
    );
    expect(() => loadConfig({ ...AZURITE, POST_RECOVERY_BASELINE_DAYS: '0' })).toThrow(
      /POST_RECOVERY_BASELINE_DAYS/,
    );
  });

  it('takes a list of error codes, de-duplicated', () => {
    expect(
      loadConfig({ ...AZURITE, DETECT_LOCKOUTS_ERROR_CODES: '500121, 50074 50076,500121' }).detection
        .errorCodes,
    ).toEqual([500121, 50074, 50076]);
  });

  it('refuses an error code that is not a number', () => {
    expect(() => loadConfig({ ...AZURITE, DETECT_LOCKOUTS_ERROR_CODES: "500121) or (id eq 'x'" })).toThrow(
      /DETECT_LOCKOUTS_ERROR_CODES/,
    );
  });

  it('refuses a look-back shorter than the 2 h MFA aggregation delay', () => {
    expect(() => loadConfig({ ...AZURITE, DETECT_LOCKOUTS_LOOKBACK_MINUTES: '60' })).toThrow(/at least 120/);
  });

  it('switches reports pacing off with 0', () => {
    expect(loadConfig({ ...AZURITE, REPORTS_REQUESTS_PER_WINDOW: '0' }).reports.requestsPerWindow).toBe(0);
  });

  it('refuses an invalid queue name', () => {
    expect(() => loadConfig({ ...AZURITE, LOCKOUT_EVENTS_QUEUE: 'Lockout_Events' })).toThrow(
      /LOCKOUT_EVENTS_QUEUE/,
    );
  });
});

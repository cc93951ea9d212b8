import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';

import { CRONER_NCRONTAB_OPTIONS, NcrontabError, parseNcrontab } from '../../../local/host/ncrontab';

/** The next `count` occurrences after `from`, computed in UTC. */
function nextRuns(expression: string, from: string, count: number): string[] {
  const cron = new Cron(parseNcrontab(expression).cronerPattern, {
    ...CRONER_NCRONTAB_OPTIONS,
    timezone: 'UTC',
    paused: true,
  });
  return cron.nextRuns(count, new Date(from)).map((date) => date.toISOString());
}

describe('NCRONTAB schedules', () => {
  it('reads the first field as seconds', () => {
    expect(nextRuns('*/20 * * * * *', '2025-01-01T00:00:00Z', 3)).toEqual([
      '2025-01-01T00:00:20.000Z',
      '2025-01-01T00:00:40.000Z',
      '2025-01-01T00:01:00.000Z',
    ]);
  });

  it('runs the Azure docs example "0 */5 * * * *" every five minutes', () => {
    expect(nextRuns('0 */5 * * * *', '2025-01-01T00:01:00Z', 2)).toEqual([
      '2025-01-01T00:05:00.000Z',
      '2025-01-01T00:10:00.000Z',
    ]);
  });

  it('treats day-of-week 0 as Sunday and accepts day names by prefix', () => {
    // 2025-01-05 is a Sunday.
    expect(nextRuns('0 0 9 * * 0', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-05T09:00:00.000Z']);
    expect(nextRuns('0 0 9 * * Sun', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-05T09:00:00.000Z']);
    expect(nextRuns('0 30 9 * Jan Mon', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-06T09:30:00.000Z']);
  });

  it('requires both day-of-month and day-of-week to match, like NCrontab (not cron OR)', () => {
    // Friday the 13th: June 2025, then February 2026.
    expect(nextRuns('0 0 0 13 * 5', '2025-01-01T00:00:00Z', 2)).toEqual([
      '2025-06-13T00:00:00.000Z',
      '2026-02-13T00:00:00.000Z',
    ]);
  });

  it('reads "start/step" as start to the field maximum', () => {
    expect(parseNcrontab('50/5 * * * * *').cronerPattern).toBe('50,55 * * * * *');
  });

  it('expands ranges, steps and lists into explicit values', () => {
    expect(parseNcrontab('0 0 9-17/4 * * 1-5').cronerPattern).toBe('0 0 9,13,17 * * 1,2,3,4,5');
    expect(parseNcrontab('0,30 * * 1,15 Feb-Apr *').cronerPattern).toBe('0,30 * * 1,15 2,3,4 *');
  });

  it.each([
    ['0 */5 * * *', 'needs 6'],
    ['00:05:00', 'TimeSpan'],
    ['60 * * * * *', 'outside 0-59'],
    ['0 0 24 * * *', 'outside 0-23'],
    ['0 0 0 0 * *', 'outside 1-31'],
    ['0 0 0 * * 7', 'outside 0-6'],
    ['0 0 0 * * Funday', 'not a valid value'],
    ['0 0 0 ? * *', 'not a valid value'],
    ['0 0 0 * * 5-1', 'runs backwards'],
    ['*/0 * * * * *', 'positive step'],
    ['1a * * * * *', 'not a number'],
    ['0 0 0 * * 1,', 'empty value'],
  ])('rejects "%s"', (expression, message) => {
    expect(() => parseNcrontab(expression)).toThrow(NcrontabError);
    expect(() => parseNcrontab(expression)).toThrow(message);
  });
});

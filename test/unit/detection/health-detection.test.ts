import type { TableServiceClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';

import type { ScanStateStore } from '../../../src/lib/detection/repositories';
import { checkHealth } from '../../../src/lib/health/check-health';

const tables = {
  listTables: () => ({ byPage: () => ({ next: () => Promise.resolve({ done: true }) }) }),
} as unknown as TableServiceClient;
const credential = { getToken: () => Promise.resolve({ token: 't', expiresOnTimestamp: 0 }) };
const scanState = (condition: 'ok' | 'gap' | 'unlicensed'): ScanStateStore => ({
  read: () => Promise.resolve({ condition }),
  write: () => Promise.resolve(true),
});

describe('checkHealth detection check', () => {
  it('is healthy while detection sees every event', async () => {
    const report = await checkHealth({ credential, tables, scanState: scanState('ok') });
    expect(report.status).toBe('healthy');
  });

  it.each(['gap', 'unlicensed'] as const)(
    'is degraded on a %s, naming only the condition',
    async (condition) => {
      const report = await checkHealth({ credential, tables, scanState: scanState(condition) });
      expect(report.status).toBe('degraded');
      expect(report.checks).toContainEqual(
        expect.objectContaining({ name: 'detection', status: 'degraded', error: condition }),
      );
    },
  );
});

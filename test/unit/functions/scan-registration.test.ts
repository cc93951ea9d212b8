import { InvocationContext, type Timer } from '@azure/functions';
import { Client } from '@microsoft/microsoft-graph-client';
import { describe, expect, it, vi } from 'vitest';

import { makeScanRegistrationHandler } from '../../../src/functions/scan-registration';
import type { RegistrationSnapshotStore } from '../../../src/lib/registration/snapshot';

// The timer as the worker calls it: a storage outage before the first page leaves the previous
// snapshot alone and is logged as a warning, never thrown.

const TIMER: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

describe('scanRegistration handler', () => {
  it('logs a failed run as a warning with its outcome', async () => {
    const outage = () => Promise.reject(new Error('storage down'));
    const snapshots = {
      current: outage,
      begin: outage,
      commit: outage,
    } as unknown as RegistrationSnapshotStore;
    const graph = Client.initWithMiddleware({
      middleware: { execute: () => Promise.reject(new Error('unused')) },
    });
    const context = new InvocationContext({ functionName: 'scanRegistration' });
    const warn = vi.spyOn(context, 'warn').mockImplementation(() => undefined);
    const handler = makeScanRegistrationHandler(() => ({
      reportsGraph: graph,
      graphOrigin: 'https://graph.microsoft.com',
      protectedLookup: () => Promise.resolve(() => new Set<string>()),
      snapshots,
      publish: () => Promise.resolve(),
      settings: {
        telephonyProvider: 'microsoft',
        telephonyRetirement: new Date('2027-02-01T00:00:00Z'),
        timeBudgetMs: 1000,
      },
    }));
    await handler(TIMER, context);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^scanRegistration: outcome=failed .*error=storage down/),
    );
  });
});

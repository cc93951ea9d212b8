import { describe, expect, it } from 'vitest';

import { createTableAuditLog } from '../../../src/lib/storage/audit-log';

// The audit list checks its query before it touches the table: a bad one is the caller's 400.
const audit = createTableAuditLog({
  table: () => Promise.reject(new Error('the table must not be reached')),
});

describe('audit list query checks', () => {
  it('refuses a limit that is not a whole number from 1 to 100', async () => {
    for (const limit of [0, 1.5, 101]) {
      await expect(audit.list({ limit })).rejects.toMatchObject({ code: 'invalid_request', status: 400 });
    }
  });

  it('refuses a since that is not a valid time', async () => {
    await expect(audit.list({ since: new Date('not a time') })).rejects.toMatchObject({
      code: 'invalid_request',
      status: 400,
      detail: 'since is not a valid time.',
    });
  });
});

import { describe, expect, it, vi } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import type { GuardVerdict } from '../../../src/lib/recovery/action-guard';
import { runAction } from '../../../src/lib/recovery/run-action';
import type { AuditAction } from '../../../src/lib/storage/audit-log';
import { guardRefusal } from '../../support/action-fakes';
import { testCaller } from '../../support/callers';
import { actionFakes, actionRequest, attackFlag, TARGET } from '../approvals/action-fakes';

const ALLOWED: GuardVerdict = { allowed: true, target: TARGET, graphRequestIds: [] };
const helpdesk = testCaller();
const securityOps = testCaller({
  kind: 'user',
  id: 'user:soc',
  roles: ['Recovery.Reset', 'Recovery.SecurityOps'],
});

const succeeded = () => Promise.resolve({ status: 200, body: {}, audit: { outcome: 'succeeded' as const } });

describe('an open suspected_attack flag', () => {
  it.each<AuditAction>(['tap.issue', 'mfa.reset', 'phone.add', 'mfa.suspend'])(
    'refuses %s with 409 suspected_attack_open, audited, with a high-severity event',
    async (action) => {
      for (const status of ['open', 'acknowledged'] as const) {
        const fakes = actionFakes({ verdict: ALLOWED, flag: attackFlag(status) });
        const perform = vi.fn(succeeded);
        const error = await runAction(fakes.deps, actionRequest({ action, caller: helpdesk }), perform).catch(
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('suspected_attack_open');
        expect((error as AppError).status).toBe(409);
        expect(perform).not.toHaveBeenCalled();
        expect(fakes.audited).toMatchObject([
          { action, outcome: 'refused', code: 'suspected_attack_open', targetId: TARGET.id },
        ]);
        expect(fakes.events).toMatchObject([
          {
            type: 'recovery.action.refused',
            severity: 'high',
            details: { code: 'suspected_attack_open', caller: { id: helpdesk.id } },
          },
        ]);
      }
    },
  );

  it('lets Recovery.SecurityOps through, with the override in the audit row and a high-severity event', async () => {
    const fakes = actionFakes({ verdict: ALLOWED, flag: attackFlag() });
    const perform = vi.fn(succeeded);
    expect(
      (await runAction(fakes.deps, actionRequest({ action: 'tap.issue', caller: securityOps }), perform))
        .status,
    ).toBe(200);
    expect(perform).toHaveBeenCalledTimes(1);
    expect(fakes.audited).toMatchObject([
      { action: 'tap.issue', caller: 'user:soc', override: 'suspected_attack_open', outcome: 'succeeded' },
    ]);
    expect(fakes.events[0]).toMatchObject({
      type: 'security.attack_flag_override',
      severity: 'high',
      details: { caller: { id: 'user:soc' } },
    });
  });

  it('does not block once resolved, for lockout flags, or for protective actions (which read no flag)', async () => {
    const lockout = { ...attackFlag(), category: 'lockout' as const };
    for (const flag of [attackFlag('resolved'), lockout]) {
      const fakes = actionFakes({ verdict: ALLOWED, flag });
      expect((await runAction(fakes.deps, actionRequest({ caller: helpdesk }), succeeded)).status).toBe(200);
    }
    for (const action of ['sessions.revoke', 'mfa.restore', 'method.delete'] as const) {
      const fakes = actionFakes({ verdict: ALLOWED, flag: attackFlag() });
      expect(
        (await runAction(fakes.deps, actionRequest({ action, caller: helpdesk }), succeeded)).status,
      ).toBe(200);
      expect(fakes.flagReads).toEqual([]);
    }
  });

  it('reads the flag beside the guard for a target named by id, and by the resolved id after it for a UPN', async () => {
    const byId = actionFakes({ verdict: ALLOWED });
    let readBeforeGuard = false;
    const guard = byId.deps.checkTarget;
    byId.deps.checkTarget = async (user, id) => {
      readBeforeGuard = byId.flagReads.length > 0;
      return await guard(user, id);
    };
    await runAction(
      byId.deps,
      actionRequest({ caller: helpdesk, user: { kind: 'id', id: TARGET.id } }),
      succeeded,
    );
    expect(readBeforeGuard).toBe(true);
    expect(byId.flagReads).toEqual([TARGET.id]);

    const byUpn = actionFakes({ verdict: ALLOWED, flag: attackFlag() });
    const error = await runAction(byUpn.deps, actionRequest({ caller: helpdesk }), succeeded).catch(
      (thrown: unknown) => thrown,
    );
    expect((error as AppError).code).toBe('suspected_attack_open');
    expect(byUpn.flagReads).toEqual([TARGET.id]);
  });

  it('fails closed when the flag cannot be read', async () => {
    const fakes = actionFakes({ verdict: ALLOWED });
    fakes.deps.lockouts.get = () => Promise.reject(new Error('storage down'));
    const perform = vi.fn(succeeded);
    const error = await runAction(
      fakes.deps,
      actionRequest({ caller: helpdesk, user: { kind: 'id', id: TARGET.id } }),
      perform,
    ).catch((thrown: unknown) => thrown);
    expect((error as AppError).code).toBe('audit_unavailable');
    expect(perform).not.toHaveBeenCalled();
  });

  it('leaves a break-glass target to the guard refusal', async () => {
    const fakes = actionFakes({
      verdict: guardRefusal('break_glass_account', TARGET),
      flag: attackFlag(),
    });
    const error = await runAction(fakes.deps, actionRequest({ caller: helpdesk }), succeeded).catch(
      (thrown: unknown) => thrown,
    );
    expect((error as AppError).code).toBe('break_glass_account');
  });
});

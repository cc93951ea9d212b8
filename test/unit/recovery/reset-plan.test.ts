import { describe, expect, it } from 'vitest';

import type { GraphAuthenticationMethod } from '../../../src/lib/graph/users';
import { planReset, toDeleteBatches } from '../../../src/lib/recovery/reset-plan';

const USER = '/users/66b022fa-5f4b-45ff-86f2-1ae4037c6f3d';
const MOBILE = '3179e48a-750b-4051-897c-87b9720928f7';
const ALTERNATE = 'b6332ec1-7057-4abe-9331-3d72feddfe41';

const method = (
  type: string,
  id: string,
  extra: Record<string, unknown> = {},
): GraphAuthenticationMethod => ({
  '@odata.type': `#microsoft.graph.${type}AuthenticationMethod`,
  id,
  ...extra,
});

describe('planReset', () => {
  it('deletes every removable type through its own path and keeps the password', () => {
    const plan = planReset(
      [
        method('password', '28c10230-6103-485e-b985-444c60001490'),
        method('fido2', 'f1'),
        method('hardwareOath', 'h1'),
        method('qrCodePin', 'q1'),
      ],
      USER,
    );
    expect(plan.deletes).toEqual([
      { id: 'f1', type: 'fido2', version: 'v1.0', url: `${USER}/authentication/fido2Methods/f1` },
      {
        id: 'h1',
        type: 'hardwareOath',
        version: 'beta',
        url: `${USER}/authentication/hardwareOathMethods/h1`,
      },
      { id: 'q1', type: 'qrCodePin', version: 'beta', url: `${USER}/authentication/qrCodePinMethod` },
    ]);
    expect(plan.kept).toEqual([
      { id: '28c10230-6103-485e-b985-444c60001490', type: 'password', reason: 'not_removable' },
    ]);
  });

  it("keeps an external provider's registration out of the reset, saying why", () => {
    const plan = planReset([method('external', 'e1'), method('email', 'm1')], USER);
    expect(plan.deletes.map((step) => step.id)).toEqual(['m1']);
    expect(plan.kept).toEqual([{ id: 'e1', type: 'external', reason: 'external_provider' }]);
  });

  it('never deletes a type it does not know', () => {
    const plan = planReset([{ '@odata.type': '#microsoft.graph.futureAuthenticationMethod', id: 'x' }], USER);
    expect(plan.deletes).toEqual([]);
    expect(plan.kept).toEqual([{ id: 'x', type: 'unknown', reason: 'not_removable' }]);
  });

  it('deletes the alternate mobile before the mobile, last and adjacent', () => {
    const plan = planReset(
      [
        method('phone', MOBILE, { phoneType: 'mobile' }),
        method('phone', ALTERNATE, { phoneType: 'alternateMobile' }),
        method('email', '3ddfcfc8-9383-446f-83cc-3ab9be4be18f'),
      ],
      USER,
    );
    expect(plan.deletes.map((step) => step.id)).toEqual([
      '3ddfcfc8-9383-446f-83cc-3ab9be4be18f',
      ALTERNATE,
      MOBILE,
    ]);
    expect(plan.deletes[2]?.after).toBe(ALTERNATE);
  });

  it('keeps the types a narrowed reset leaves alone', () => {
    const plan = planReset(
      [
        method('fido2', 'f1'),
        method('microsoftAuthenticator', 'a1'),
        method('windowsHelloForBusiness', 'w1'),
      ],
      USER,
      new Set(['microsoftAuthenticator', 'phone', 'softwareOath', 'hardwareOath'] as const),
    );
    expect(plan.deletes.map((step) => step.id)).toEqual(['a1']);
    expect(plan.kept.map((kept) => [kept.id, kept.reason])).toEqual([
      ['f1', 'not_requested'],
      ['w1', 'not_requested'],
    ]);
  });

  it('encodes a method id in the path', () => {
    const plan = planReset([method('fido2', 'a/b c')], USER);
    expect(plan.deletes[0]?.url).toBe(`${USER}/authentication/fido2Methods/a%2Fb%20c`);
  });
});

describe('toDeleteBatches', () => {
  it('puts v1.0 and beta deletes in separate batches and the revoke with the v1.0 ones', () => {
    const plan = planReset([method('fido2', 'f1'), method('hardwareOath', 'h1')], USER);
    const batches = toDeleteBatches(plan.deletes, [
      { id: 'revoke', method: 'POST', url: `${USER}/revokeSignInSessions` },
    ]);
    expect(batches.map((batch) => [batch.version, batch.steps.map((step) => step.id)])).toEqual([
      ['v1.0', ['delete-1', 'revoke']],
      ['beta', ['delete-2']],
    ]);
    expect(batches[0]?.methods.get('delete-1')?.id).toBe('f1');
  });

  it('makes the mobile delete depend on the alternate mobile delete', () => {
    const plan = planReset(
      [
        method('phone', MOBILE, { phoneType: 'mobile' }),
        method('phone', ALTERNATE, { phoneType: 'alternateMobile' }),
      ],
      USER,
    );
    const [batch] = toDeleteBatches(plan.deletes);
    expect(batch?.steps).toEqual([
      { id: 'delete-1', method: 'DELETE', url: `${USER}/authentication/phoneMethods/${ALTERNATE}` },
      {
        id: 'delete-2',
        method: 'DELETE',
        url: `${USER}/authentication/phoneMethods/${MOBILE}`,
        dependsOn: ['delete-1'],
      },
    ]);
  });

  it('gives the phone pair a batch of its own, so no batch mixes parallel and dependent steps', () => {
    const plan = planReset(
      [
        method('fido2', 'f1'),
        method('phone', MOBILE, { phoneType: 'mobile' }),
        method('phone', ALTERNATE, { phoneType: 'alternateMobile' }),
      ],
      USER,
    );
    const batches = toDeleteBatches(plan.deletes, [
      { id: 'revoke', method: 'POST', url: `${USER}/revokeSignInSessions` },
    ]);
    expect(batches.map((batch) => batch.steps.map((step) => [step.id, step.dependsOn]))).toEqual([
      [
        ['delete-1', undefined],
        ['revoke', undefined],
      ],
      [
        ['delete-2', undefined],
        ['delete-3', ['delete-2']],
      ],
    ]);
  });

  it('splits more than 20 deletes and never separates the phone pair', () => {
    const methods = [
      ...Array.from({ length: 19 }, (_, index) => method('fido2', `f${index}`)),
      method('phone', MOBILE, { phoneType: 'mobile' }),
      method('phone', ALTERNATE, { phoneType: 'alternateMobile' }),
    ];
    const batches = toDeleteBatches(planReset(methods, USER).deletes);
    expect(batches.map((batch) => batch.steps.length)).toEqual([19, 2]);
    expect(batches[1]?.steps[1]?.dependsOn).toEqual([batches[1]?.steps[0]?.id]);
  });
});

describe('toDeleteBatches: where the extra steps ride', () => {
  const REVOKE = { id: 'revoke', method: 'POST' as const, url: `${USER}/revokeSignInSessions` };
  const fido2Keys = (count: number) =>
    Array.from({ length: count }, (_, index) => method('fido2', `f${index}`));
  const shape = (batches: ReturnType<typeof toDeleteBatches>) =>
    batches.map((batch) => [
      batch.version,
      batch.steps.length,
      batch.steps.some((step) => step.id === 'revoke'),
    ]);

  it('sends the revoke alone when there is nothing to delete, and no batch for nothing', () => {
    expect(shape(toDeleteBatches([], [REVOKE]))).toEqual([['v1.0', 1, true]]);
    expect(toDeleteBatches([])).toEqual([]);
  });

  it('adds the revoke to a batch of 19 deletes, and gives it a batch of its own after 20', () => {
    expect(shape(toDeleteBatches(planReset(fido2Keys(19), USER).deletes, [REVOKE]))).toEqual([
      ['v1.0', 20, true],
    ]);
    expect(shape(toDeleteBatches(planReset(fido2Keys(20), USER).deletes, [REVOKE]))).toEqual([
      ['v1.0', 20, false],
      ['v1.0', 1, true],
    ]);
    expect(shape(toDeleteBatches(planReset(fido2Keys(21), USER).deletes, [REVOKE]))).toEqual([
      ['v1.0', 20, false],
      ['v1.0', 2, true],
    ]);
  });

  it('never puts the revoke beside the dependent phone pair', () => {
    const pair = planReset(
      [
        method('phone', MOBILE, { phoneType: 'mobile' }),
        method('phone', ALTERNATE, { phoneType: 'alternateMobile' }),
      ],
      USER,
    );
    expect(shape(toDeleteBatches(pair.deletes, [REVOKE]))).toEqual([
      ['v1.0', 2, false],
      ['v1.0', 1, true],
    ]);
  });

  it('starts a new batch for a parallel delete after the phone pair', () => {
    const plan = planReset(
      [
        method('phone', MOBILE, { phoneType: 'mobile' }),
        method('phone', ALTERNATE, { phoneType: 'alternateMobile' }),
      ],
      USER,
    );
    const later = planReset([method('fido2', 'f9')], USER).deletes;
    const batches = toDeleteBatches([...plan.deletes, ...later]);
    expect(batches.map((batch) => batch.steps.map((step) => step.id))).toEqual([
      ['delete-1', 'delete-2'],
      ['delete-3'],
    ]);
  });

  it('leaves a lone mobile phone without a dependency', () => {
    const plan = planReset([method('phone', MOBILE, { phoneType: 'mobile' }), method('fido2', 'f1')], USER);
    expect(plan.deletes.every((step) => step.after === undefined)).toBe(true);
    expect(toDeleteBatches(plan.deletes)).toHaveLength(1);
    const alternateOnly = planReset([method('phone', ALTERNATE, { phoneType: 'alternateMobile' })], USER);
    expect(alternateOnly.deletes[0]?.after).toBeUndefined();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';

import { DEFAULT_METHOD_HINT, defaultMethodHint } from '../../../src/lib/recovery/default-method';
import { createTapPolicyCache } from '../../../src/lib/recovery/tap-policy-cache';
import { json, stubGraph } from '../graph/stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The TAP method configuration as Graph answers it, with a one-time-only policy. */
const CONFIGURATION = {
  '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
  id: 'TemporaryAccessPass',
  state: 'enabled',
  defaultLifetimeInMinutes: 60,
  defaultLength: 8,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  isUsableOnce: true,
  includeTargets: [{ id: 'all_users', targetType: 'group', isRegistrationRequired: false }],
  excludeTargets: [],
};

describe('createTapPolicyCache', () => {
  it('reads the policy once per time-to-live, and again once it has expired', async () => {
    const stub = stubGraph(() => Promise.resolve(json(200, CONFIGURATION)));
    let clock = 1_000;
    const read = createTapPolicyCache(30_000, () => clock);

    const policy = await read(stub.graph, '0b4f4a8e-2f2c-4d8e-9c1a-5d6e7f809102');
    expect(policy).toEqual({
      state: 'enabled',
      defaultLifetimeInMinutes: 60,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: true,
      includeTargets: [{ id: 'all_users', targetType: 'group' }],
      excludeTargets: [],
    });
    expect(stub.sent).toHaveLength(1);
    expect(stub.sent[0]?.url).toBe(
      `${stub.origin}/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass`,
    );
    expect(stub.sent[0]?.headers.get('client-request-id')).toBe('0b4f4a8e-2f2c-4d8e-9c1a-5d6e7f809102');

    clock = 30_999;
    expect(await read(stub.graph, 'c2')).toEqual(policy);
    expect(stub.sent).toHaveLength(1);

    // Read at 1 000 with a 30 s time-to-live: at 31 000 it has expired.
    clock = 31_000;
    await read(stub.graph, 'c3');
    expect(stub.sent).toHaveLength(2);
    // The new read starts a new time-to-live.
    clock = 60_999;
    await read(stub.graph, 'c4');
    expect(stub.sent).toHaveLength(2);
  });

  it('keeps nothing from a failed read', async () => {
    let fail = true;
    const stub = stubGraph(() =>
      Promise.resolve(
        fail
          ? json(403, { error: { code: 'Authorization_RequestDenied', message: 'no' } })
          : json(200, CONFIGURATION),
      ),
    );
    const read = createTapPolicyCache(30_000, () => 0);
    await expect(read(stub.graph, 'c1')).rejects.toBeDefined();
    fail = false;
    await expect(read(stub.graph, 'c2')).resolves.toMatchObject({ state: 'enabled' });
    expect(stub.sent).toHaveLength(2);
  });

  it('uses the real clock by default', async () => {
    const stub = stubGraph(() => Promise.resolve(json(200, CONFIGURATION)));
    const read = createTapPolicyCache(60_000);
    await read(stub.graph, 'c1');
    await read(stub.graph, 'c2');
    expect(stub.sent).toHaveLength(1);
  });
});

describe('defaultMethodHint', () => {
  it('gives the hint for Graph’s refusal to delete the default method, in either wording or case', () => {
    // The message a public Q&A thread reports (docs/graph-calls.md).
    expect(
      defaultMethodHint({
        status: 400,
        message: 'Cannot delete default method with other methods configured',
      }),
    ).toBe(DEFAULT_METHOD_HINT);
    expect(
      defaultMethodHint({ status: 400, message: 'The Default Authentication Method cannot be deleted.' }),
    ).toBe(DEFAULT_METHOD_HINT);
    expect(DEFAULT_METHOD_HINT).toBe(
      'Graph keeps the default method while the user has other methods: remove those too (a reset ' +
        'without methodTypes), or change the default method in the Microsoft Entra admin center, then retry.',
    );
  });

  it('gives none for another status, another message or none', () => {
    expect(
      defaultMethodHint({
        status: 403,
        message: 'Cannot delete default method with other methods configured',
      }),
    ).toBeUndefined();
    expect(defaultMethodHint({ status: 400, message: 'Invalid method id' })).toBeUndefined();
    expect(defaultMethodHint({ status: 400, message: 'default  method' })).toBeUndefined();
    expect(defaultMethodHint({ status: 400 })).toBeUndefined();
  });
});

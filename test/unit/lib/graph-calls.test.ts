import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { RequestLogEntry } from '../../../local/graph';
import { graphSpec } from '../../../local/graph/openapi-spec';
import { GRAPH_ROUTES } from '../../../local/graph/routes';
import { DEFAULT_APP_ROLES } from '../../../local/identity';
import { GRAPH_CALLS, graphPermissions } from '../../../src/lib/graph/graph-calls';
import { methodDeletePath, REMOVABLE_METHOD_TYPES } from '../../../src/lib/graph/method-types';
import { inventoryEntryOf, unlistedGraphCalls } from '../../support/graph-calls-check';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (...parts: string[]) => readFileSync(path.join(ROOT, ...parts), 'utf8');

function bicepAppRoles(): string[] {
  const block = /param graphAppRoles array = \[([^\]]*)\]/.exec(read('infra', 'main.bicep'))?.[1] ?? '';
  return [...block.matchAll(/'([^']+)'/g)].map((match) => match[1] ?? '');
}

/** The simulator's route for a call: the permissions it accepts (undefined: it checks them itself). */
function acceptedBySimulator(call: (typeof GRAPH_CALLS)[number]): readonly string[] | undefined {
  const route = GRAPH_ROUTES.find(
    (candidate) =>
      candidate.method === call.method &&
      candidate.template === call.path &&
      candidate.versions.includes(call.version),
  );
  if (route === undefined)
    throw new Error(`the simulator serves no ${call.version} ${call.method} ${call.path}`);
  const permissions =
    route.permissions ?? graphSpec(call.version).applicationPermissions(call.method, call.path);
  return permissions === 'anyValidToken' ? undefined : permissions;
}

const logged = (entry: Partial<RequestLogEntry>): RequestLogEntry => ({
  seq: 1,
  time: '2026-01-01T00:00:00.000Z',
  method: 'GET',
  path: '/v1.0/users/66b022fa-5f4b-45ff-86f2-1ae4037c6f3d',
  query: '',
  inBatch: false,
  requestId: 'r',
  clientRequestId: 'c',
  sdkVersion: 'graph-js/3.0.7',
  ...entry,
});

describe('the Graph call inventory', () => {
  it('grants exactly the union of its permissions, in infra as in the local identity', () => {
    expect(DEFAULT_APP_ROLES).toEqual(graphPermissions());
    expect(bicepAppRoles()).toEqual(graphPermissions());
  });

  it('lists each call once, every one a path Microsoft documents (the simulator serves it)', () => {
    const keys = GRAPH_CALLS.map((call) => `${call.method} ${call.version} ${call.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const call of GRAPH_CALLS) expect(() => acceptedBySimulator(call)).not.toThrow();
  });

  it("names permissions Microsoft accepts for each call (routes that check their own are run in graph-calls' integration test)", () => {
    for (const call of GRAPH_CALLS.filter((candidate) => candidate.permissions.length > 0)) {
      const accepted = acceptedBySimulator(call);
      if (accepted === undefined) continue;
      expect(accepted, `${call.method} ${call.path}`).toContain(call.permissions[0]);
      expect(accepted, `${call.method} ${call.path}`).toContain(call.leastPrivileged);
    }
  });

  it('lists the delete of every type a reset removes, in the version the app sends it', () => {
    for (const type of REMOVABLE_METHOD_TYPES) {
      const { version, url } = methodDeletePath('/users/66b022fa-5f4b-45ff-86f2-1ae4037c6f3d', type, 'x1');
      expect(
        inventoryEntryOf(logged({ method: 'DELETE', path: `/${version}${url}`, inBatch: true })),
        type,
      ).toBeDefined();
    }
  });

  it('is shown in docs/graph-calls.md, one row per call', () => {
    const doc = read('docs', 'graph-calls.md');
    for (const call of GRAPH_CALLS) {
      const row = new RegExp(
        `^\\|\\s*${call.method}\\s*\\|\\s*${call.version.replace('.', '\\.')}\\s*\\|\\s*\`${call.path.replace(/[$.{}]/g, '\\$&')}\`\\s*\\|\\s*${call.batchable ? 'yes' : 'no'}\\s*\\|.*\\| https://learn\\.microsoft\\.com/\\S+ *\\|$`,
        'm',
      );
      expect(doc, `${call.method} ${call.version} ${call.path}`).toMatch(row);
    }
  });

  it('is checked in every test file that starts an app stack of its own', () => {
    for (const folder of ['e2e', 'integration']) {
      for (const file of readdirSync(path.join(ROOT, 'test', folder)).filter((name) =>
        name.endsWith('.test.ts'),
      )) {
        const source = read('test', folder, file);
        if (source.includes('startStack(')) expect(source, file).toContain('checkGraphCalls(');
      }
    }
  });
});

describe('unlistedGraphCalls', () => {
  it("passes the app's listed requests, by object id or by key", () => {
    expect(
      unlistedGraphCalls([
        logged({}),
        logged({ path: "/v1.0/users('%24AlexW%40contoso.onmicrosoft.com')" }),
        logged({ method: 'POST', path: '/beta/$batch' }),
        logged({ method: 'DELETE', path: '/beta/users/x/authentication/qrCodePinMethod', inBatch: true }),
      ]),
    ).toEqual([]);
  });

  it('flags an unlisted request, a listed one in another version, and a non-batchable call sent as a step', () => {
    const disable = '/v1.0/users/u/authentication/phoneMethods/p/disableSmsSignIn';
    expect(
      unlistedGraphCalls([
        logged({ method: 'POST', path: disable }),
        logged({ path: '/beta/users/u' }),
        logged({
          method: 'POST',
          path: '/v1.0/users/u/authentication/temporaryAccessPassMethods',
          inBatch: true,
        }),
      ]),
    ).toEqual([
      `POST ${disable}`,
      'GET /beta/users/u',
      'POST /v1.0/users/u/authentication/temporaryAccessPassMethods (batch step)',
    ]);
  });

  it("ignores requests a test sent itself (no Graph SDK's SdkVersion)", () => {
    expect(unlistedGraphCalls([logged({ path: '/v1.0/me', sdkVersion: undefined })])).toEqual([]);
  });
});

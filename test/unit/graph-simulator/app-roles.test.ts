import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { graphSpec, type GraphVersion } from '../../../local/graph/openapi-spec';
import { GRAPH_ROUTES } from '../../../local/graph/routes';
import { DEFAULT_APP_ROLES } from '../../../local/identity';

// The app's Graph permissions (local/identity/app-roles.ts) against docs/threat-model.md,
// "Automation identity abuse", and the permissions each simulated operation accepts (Microsoft's
// OpenAPI x-ms-permissions, or the route's declared ones where the subsets have none).

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The application permissions, any one of which lets an app call the operation. */
function accepted(method: string, template: string, version: GraphVersion): readonly string[] {
  const route = GRAPH_ROUTES.find(
    (candidate) =>
      candidate.method === method && candidate.template === template && candidate.versions.includes(version),
  );
  if (route === undefined) throw new Error(`the simulator serves no ${version} ${method} ${template}`);
  const permissions = route.permissions ?? graphSpec(version).applicationPermissions(method, template);
  if (permissions === undefined || permissions === 'anyValidToken')
    throw new Error(`${template}: no permissions`);
  return permissions;
}

const allowed = (method: string, template: string, version: GraphVersion = 'v1.0') =>
  accepted(method, template, version).some((permission) => DEFAULT_APP_ROLES.includes(permission));

const methods = '/users/{user-id}/authentication';

describe('DEFAULT_APP_ROLES', () => {
  it('is what infra grants, in the same order', () => {
    const bicep = readFileSync(path.join(ROOT, 'infra', 'main.bicep'), 'utf8');
    const block = /param graphAppRoles array = \[([^\]]*)\]/.exec(bicep)?.[1] ?? '';
    expect([...block.matchAll(/'([^']+)'/g)].map((match) => match[1])).toEqual([...DEFAULT_APP_ROLES]);
  });

  it('holds none of the Tier 0 permissions the threat model forbids, and no duplicates', () => {
    for (const forbidden of [
      'UserAuthenticationMethod.ReadWrite.All',
      'Directory.ReadWrite.All',
      'RoleManagement.ReadWrite.Directory',
      'AppRoleAssignment.ReadWrite.All',
      'Application.ReadWrite.All',
      'User.ReadWrite.All',
    ]) {
      expect(DEFAULT_APP_ROLES).not.toContain(forbidden);
    }
    expect(new Set(DEFAULT_APP_ROLES).size).toBe(DEFAULT_APP_ROLES.length);
  });

  it('names only permissions some Graph operation accepts (no typos)', () => {
    const known = new Set<string>();
    for (const version of ['v1.0', 'beta'] as const) {
      const spec = graphSpec(version);
      for (const template of spec.pathTemplates()) {
        for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
          for (const permission of spec.applicationPermissions(method, template) ?? []) known.add(permission);
        }
      }
    }
    for (const route of GRAPH_ROUTES) {
      if (route.permissions !== undefined && route.permissions !== 'anyValidToken') {
        for (const permission of route.permissions) known.add(permission);
      }
    }
    // Routes that check permissions themselves (PIM answers its own 403) name them in their source.
    const routes = path.join(ROOT, 'local', 'graph', 'routes');
    for (const file of readdirSync(routes)) {
      const source = readFileSync(path.join(routes, file), 'utf8');
      for (const match of source.matchAll(/'([A-Z][A-Za-z]*(?:-[A-Za-z]+)?(?:\.[A-Za-z]+)+)'/g)) {
        if (match[1] !== undefined) known.add(match[1]);
      }
    }
    expect(DEFAULT_APP_ROLES.filter((role) => !known.has(role))).toEqual([]);
  });

  it('lets the app run every recovery operation through its per-method permissions', () => {
    const operations: [string, string, GraphVersion][] = [
      ['GET', '/users/{user-id}', 'v1.0'],
      ['GET', `${methods}/methods`, 'v1.0'],
      ['DELETE', `${methods}/phoneMethods/{phoneAuthenticationMethod-id}`, 'v1.0'],
      ['DELETE', `${methods}/emailMethods/{emailAuthenticationMethod-id}`, 'v1.0'],
      ['DELETE', `${methods}/fido2Methods/{fido2AuthenticationMethod-id}`, 'v1.0'],
      [
        'DELETE',
        `${methods}/microsoftAuthenticatorMethods/{microsoftAuthenticatorAuthenticationMethod-id}`,
        'v1.0',
      ],
      ['DELETE', `${methods}/softwareOathMethods/{softwareOathAuthenticationMethod-id}`, 'v1.0'],
      ['DELETE', `${methods}/hardwareOathMethods/{hardwareOathAuthenticationMethod-id}`, 'beta'],
      [
        'DELETE',
        `${methods}/windowsHelloForBusinessMethods/{windowsHelloForBusinessAuthenticationMethod-id}`,
        'v1.0',
      ],
      ['DELETE', `${methods}/platformCredentialMethods/{platformCredentialAuthenticationMethod-id}`, 'v1.0'],
      [
        'DELETE',
        `${methods}/temporaryAccessPassMethods/{temporaryAccessPassAuthenticationMethod-id}`,
        'v1.0',
      ],
      ['DELETE', `${methods}/qrCodePinMethod`, 'beta'],
      [
        'DELETE',
        `${methods}/passwordlessMicrosoftAuthenticatorMethods/{passwordlessMicrosoftAuthenticatorAuthenticationMethod-id}`,
        'beta',
      ],
      ['POST', `${methods}/phoneMethods`, 'v1.0'],
      ['PATCH', `${methods}/phoneMethods/{phoneAuthenticationMethod-id}`, 'v1.0'],
      ['POST', `${methods}/phoneMethods/{phoneAuthenticationMethod-id}/enableSmsSignIn`, 'v1.0'],
      ['POST', `${methods}/temporaryAccessPassMethods`, 'v1.0'],
      [
        'GET',
        '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{authenticationMethodConfiguration-id}',
        'v1.0',
      ],
      ['POST', '/users/{user-id}/revokeSignInSessions', 'v1.0'],
      ['GET', `${methods}/requirements`, 'beta'],
      ['PATCH', `${methods}/requirements`, 'beta'],
      ['GET', `${methods}/signInPreferences`, 'beta'],
    ];
    expect(operations.filter(([method, template, version]) => !allowed(method, template, version))).toEqual(
      [],
    );
  });

  it('leaves out what only UserAuthenticationMethod.ReadWrite.All allows: changing the default method', () => {
    expect(allowed('PATCH', `${methods}/signInPreferences`, 'beta')).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { HttpRequest } from '@azure/functions';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { buildOpenApiDocument } from '../../../src/lib/api/openapi-document';
import { LOCKOUT_CATEGORIES } from '../../../src/lib/detection/lockout-flag';
import type { LockoutEvent } from '../../../src/lib/detection/repositories';
import { readActionRequest } from '../../../src/lib/recovery/action-request';
import { ActionBaseSchema } from '../../../src/lib/recovery/action-schemas';
import { testCaller } from '../../support/callers';
import {
  actionContainers,
  allActions,
  allStrings,
  ownPart,
  runAfterProblems,
  type WorkflowAction,
  type WorkflowDefinition,
} from './workflow-graph';

const DIR = path.resolve(__dirname, '../../../infra/logicapp');
const read = (file: string) => readFileSync(path.join(DIR, file), 'utf8');
const loadDefinition = () => JSON.parse(read('workflow.json')) as WorkflowDefinition;
const definition = loadDefinition();
const schema = JSON.parse(read('workflow-definition.schema.json')) as object;
const bicep = read('logicapp.bicep');

const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** The API's root as the workflow writes it; an HTTP action whose URI starts so calls the API. */
const API_ROOT = "@{parameters('apiBaseUrl')}/";

interface ApiCall {
  action: string;
  method: string;
  path: string;
}

function apiCalls(workflow: WorkflowDefinition): ApiCall[] {
  return [...allActions(workflow)]
    .filter(([, action]) => action.type === 'Http' && String(action.inputs?.uri).startsWith(API_ROOT))
    .map(([name, action]) => ({
      action: name,
      method: String(action.inputs?.method),
      path: `/${String(action.inputs?.uri).slice(API_ROOT.length)}`,
    }));
}

/** A described operation a call matches: literal segments equal, each `@{…}` segment a `{param}`. */
function matchingOperation(call: ApiCall): string | undefined {
  const callSegments = call.path.split('/').map((segment) => (/^@\{[^}]*\}$/.test(segment) ? '{}' : segment));
  for (const [describedPath, item] of Object.entries(buildOpenApiDocument().paths ?? {})) {
    const segments = describedPath.split('/');
    const same =
      segments.length === callSegments.length &&
      segments.every((segment, index) =>
        /^\{\w+\}$/.test(segment) ? callSegments[index] === '{}' : segment === callSegments[index],
      );
    const operation = (item as Record<string, { operationId?: string } | undefined>)[
      call.method.toLowerCase()
    ];
    if (same && operation) return operation.operationId;
  }
  return undefined;
}

/** The action whose answer holds the pass: the one that calls recoverUser. */
const passSource = (workflow: WorkflowDefinition) =>
  apiCalls(workflow).find((call) => matchingOperation(call) === 'recoverUser')?.action;

/** Fields of the recover answer that never hold the pass. */
const NON_SECRET_FIELDS = new Set(['outcome']);

/**
 * Actions whose inputs or outputs carry the pass: the recover call itself, and any action whose own
 * definition reads the recover answer other than through a non-secret field (or reads a scope's
 * `result()`, which holds every inner action's outputs).
 */
function passCarriers(workflow: WorkflowDefinition): string[] {
  const source = passSource(workflow);
  if (!source) throw new Error('No action calls recoverUser.');
  const reference = new RegExp(`(?:body|outputs|actions)\\('${source}'\\)(\\?\\['(\\w+)'\\])?`, 'g');
  return [...allActions(workflow)]
    .filter(([name, action]) => {
      if (name === source) return true;
      const text = JSON.stringify(ownPart(action));
      if (text.includes('result(')) return true;
      return [...text.matchAll(reference)].some((match) => !NON_SECRET_FIELDS.has(match[2] ?? ''));
    })
    .map(([name]) => name);
}

function carriersWithoutSecureData(workflow: WorkflowDefinition): string[] {
  const actions = allActions(workflow);
  return passCarriers(workflow).filter((name) => {
    const secured = actions.get(name)?.runtimeConfiguration?.secureData?.properties ?? [];
    return !(secured.includes('inputs') && secured.includes('outputs'));
  });
}

const seconds = (duration: string) => {
  const [, h = '0', m = '0', s = '0'] = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration) ?? [];
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
};

describe('Logic App workflow (infra/logicapp/workflow.json)', () => {
  it('validates against the committed schema of the Workflow Definition Language subset', () => {
    expect(validate(definition), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema refuses an HTTP action without a retry policy, and managed identity without an audience', () => {
    const withoutRetry = loadDefinition();
    delete allActions(withoutRetry).get('Recover')?.inputs?.retryPolicy;
    expect(validate(withoutRetry)).toBe(false);

    const withoutAudience = loadDefinition();
    const auth = allActions(withoutAudience).get('Get_flag')?.inputs?.authentication as Record<
      string,
      unknown
    >;
    delete auth.audience;
    expect(validate(withoutAudience)).toBe(false);
  });

  it('every runAfter names a sibling action, without cycles', () => {
    for (const container of actionContainers(definition.actions)) {
      expect(runAfterProblems(container.actions), container.where).toEqual([]);
    }
  });

  it('the runAfter check finds a non-sibling and a cycle', () => {
    const broken: Record<string, WorkflowAction> = {
      A: { type: 'Scope', runAfter: { B: ['Succeeded'] } },
      B: { type: 'Scope', runAfter: { A: ['Succeeded'] } },
      C: { type: 'Scope', runAfter: { Elsewhere: ['Succeeded'] } },
    };
    expect(runAfterProblems(broken)).toEqual([
      'C runs after Elsewhere, which is not a sibling',
      'cycle among A, B',
    ]);
  });

  it('every @parameters() it reads is declared, and every declared parameter is read', () => {
    const text = JSON.stringify({ triggers: definition.triggers, actions: definition.actions });
    const read = new Set([...text.matchAll(/parameters\('([^']+)'\)/g)].map((match) => match[1]));
    expect([...read].sort()).toEqual(Object.keys(definition.parameters).sort());
  });

  it('holds no literal secret, key, tenant or host URL', () => {
    // The one URL allowed is the schema's, which names the language, not a place the workflow calls.
    const strings = allStrings({ ...definition, $schema: undefined });
    const forbidden = [
      /https?:\/\//i,
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i,
      /(?:sig|code|sv|key)=/i,
      /microsoftonline|windows\.net|azurewebsites|x-functions-key|bearer /i,
    ];
    expect(strings.filter((value) => forbidden.some((pattern) => pattern.test(value)))).toEqual([]);
    const urlParameters = ['ticketUrl', 'passDeliveryUrl', 'securityChannelUrl'];
    for (const name of urlParameters)
      expect(definition.parameters[name]).toEqual(expect.objectContaining({ type: 'SecureString' }));
  });

  it('every action whose inputs or outputs carry the pass has secureData on both', () => {
    expect(passCarriers(definition).sort()).toEqual(['Deliver_pass', 'Recover']);
    expect(carriersWithoutSecureData(definition)).toEqual([]);
  });

  it('the secureData check finds a carrier left unsecured', () => {
    const unsecured = loadDefinition();
    delete allActions(unsecured).get('Deliver_pass')?.runtimeConfiguration;
    expect(carriersWithoutSecureData(unsecured)).toEqual(['Deliver_pass']);
  });

  it('every API call matches an operation of the OpenAPI document', () => {
    const calls = apiCalls(definition);
    const unmatched = calls.filter((call) => !matchingOperation(call));
    expect(unmatched).toEqual([]);
    expect(new Set(calls.map(matchingOperation))).toEqual(
      new Set(['getLockout', 'recoverUser', 'updateLockout']),
    );
  });

  it('calls the API with the user-assigned identity for the API audience, a retry policy and a 30 s limit', () => {
    const calls = apiCalls(definition);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const { action: name } of calls) {
      const action = allActions(definition).get(name);
      expect(action?.inputs?.authentication, name).toEqual({
        type: 'ManagedServiceIdentity',
        identity: "@parameters('identityId')",
        audience: "@parameters('apiAppIdUri')",
      });
    }
    for (const [name, action] of allActions(definition)) {
      if (action.type !== 'Http') continue;
      expect(action.inputs?.retryPolicy, name).toBeDefined();
      expect(seconds(action.limit?.timeout ?? 'PT0S'), name).toBeGreaterThan(0);
      expect(seconds(action.limit?.timeout ?? 'PT0S'), name).toBeLessThanOrEqual(30);
    }
  });

  it('recovers with the ticket as Idempotency-Key and the same ticket in the body', () => {
    const recover = allActions(definition).get('Recover');
    const headers = recover?.inputs?.headers as Record<string, string>;
    const key = headers['Idempotency-Key'] ?? '';
    const body = recover?.inputs?.body as Record<string, unknown>;
    expect(key).toContain("body('Create_ticket')?['number']");
    expect(body.ticket).toBe("@body('Create_ticket')?['number']");
    // The API wants 16–128 characters; the prefix keeps a short ticket number above the minimum.
    expect(key.replace(/@\{[^}]*\}/, '').length).toBeGreaterThanOrEqual(16);
  });

  it('sends recover a key and body the API accepts, for a ticket number as ServiceNow writes it', async () => {
    // Sample values for the expressions the Recover action reads.
    const samples: Record<string, string> = {
      "body('Create_ticket')?['number']": 'INC0012345',
      "body('Parse_event')?['userId']": '6e7b768e-07e2-4810-8459-485f84f8f204',
      "body('Parse_event')?['eventId']": '3f1c2a9e-0b7d-5e41-a2c3-9d8e7f6a5b4c',
      "parameters('verificationMethod')": String(definition.parameters.verificationMethod?.defaultValue),
    };
    const render = (value: unknown): unknown => {
      if (typeof value === 'string') {
        const whole = /^@(?!\{)(.*)$/.exec(value);
        if (whole) return samples[whole[1] ?? ''] ?? value;
        return value.replace(/@\{([^}]*)\}/g, (_match, expression: string) => samples[expression] ?? '');
      }
      if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, render(inner)]));
      }
      return value;
    };
    const inputs = render(allActions(definition).get('Recover')?.inputs) as {
      headers: Record<string, string>;
      body: unknown;
    };
    // The action base every mutating route takes, plus the recover options this workflow sets.
    const schema = ActionBaseSchema.extend({ revokeSessions: z.boolean(), isUsableOnce: z.boolean() });
    const request = new HttpRequest({
      method: 'POST',
      url: 'https://func.example/api/users/x/recover',
      headers: inputs.headers,
      params: { user: samples["body('Parse_event')?['userId']"] ?? '' },
      body: { string: JSON.stringify(inputs.body) },
    });
    const read = await readActionRequest(request, {
      action: 'mfa.reset',
      route: 'users/{user}/recover',
      schema,
      correlationId: 'corr-1',
      caller: testCaller({ id: 'app:logicapp' }),
    });
    expect(read.input).toMatchObject({ ticket: 'INC0012345', verification: { method: 'manager_approval' } });
  });

  it('has a catch scope that runs when the chain fails or times out', () => {
    const catchScope = Object.values(definition.actions).find(
      (action) => action.type === 'Scope' && (action.runAfter.Try ?? []).includes('Failed'),
    );
    expect(catchScope?.runAfter.Try).toEqual(expect.arrayContaining(['Failed', 'TimedOut']));
    expect(Object.keys(catchScope?.actions ?? {})).not.toHaveLength(0);
  });

  it('routes the flag categories the app publishes, and sends a suspected attack only to security', () => {
    const route = allActions(definition).get('Route_by_category');
    const cases = Object.values(route?.cases ?? {}).map((branch) => branch.case);
    expect(cases.sort()).toEqual([...LOCKOUT_CATEGORIES].sort());
    const attack = Object.values(route?.cases ?? {}).find((branch) => branch.case === 'suspected_attack');
    const attackCalls = Object.values(attack?.actions ?? {}).map((action) => action.inputs?.uri);
    expect(attackCalls).toEqual(["@parameters('securityChannelUrl')"]);
  });

  it('reads lockout-events messages in the shape the app publishes', () => {
    const [trigger] = Object.values(definition.triggers);
    expect(trigger?.inputs.path).toContain("encodeURIComponent('lockout-events')");
    const published = {
      schemaVersion: 1,
      eventId: '3f1c2a9e-0b7d-5e41-a2c3-9d8e7f6a5b4c',
      type: 'lockout.opened',
      time: '2026-12-06T01:00:00.000Z',
      userId: '6e7b768e-07e2-4810-8459-485f84f8f204',
      userPrincipalName: 'AdeleV@contoso.onmicrosoft.com',
      category: 'lockout',
      protected: false,
      lockoutAttempts: 3,
      attackAttempts: 0,
      firstFailureAt: '2026-12-06T00:50:00.000Z',
      lastFailureAt: '2026-12-06T00:58:00.000Z',
    } satisfies LockoutEvent;
    const parse = allActions(definition).get('Parse_event');
    const messageSchema = (parse?.inputs as { schema: { properties: object } }).schema;
    expect(new Ajv({ strict: false }).validate(messageSchema, published)).toBe(true);
    expect(Object.keys(published)).toEqual(expect.arrayContaining(Object.keys(messageSchema.properties)));
  });
});

describe('Logic App module (infra/logicapp/logicapp.bicep)', () => {
  it('takes exactly the agreed parameters and outputs workflowId', () => {
    const params = [...bicep.matchAll(/^param (\w+) /gm)].map((match) => match[1]);
    expect(params.sort()).toEqual(
      [
        'name',
        'location',
        'tags',
        'identityId',
        'identityClientId',
        'apiBaseUrl',
        'apiAppIdUri',
        'storageAccountName',
        'ticketUrl',
        'passDeliveryUrl',
        'securityChannelUrl',
      ].sort(),
    );
    expect(bicep).toMatch(/^output workflowId string = workflow\.id$/m);
  });

  it('loads workflow.json and passes every workflow parameter that has no default', () => {
    expect(bicep).toContain("definition: loadJsonContent('workflow.json')");
    const required = Object.entries(definition.parameters)
      .filter(([name, parameter]) => name !== '$connections' && parameter.defaultValue === undefined)
      .map(([name]) => name);
    for (const name of required) expect(bicep, name).toContain(`${name}: { value: ${name} }`);
  });

  it('marks the channel URLs secure and runs as the user-assigned identity', () => {
    for (const name of ['ticketUrl', 'passDeliveryUrl', 'securityChannelUrl']) {
      expect(bicep).toMatch(
        new RegExp(`@secure\\(\\)\\n(?:@description\\([^\\n]*\\)\\n)?param ${name} string\\n`),
      );
    }
    expect(bicep).toMatch(/type: 'UserAssigned'/);
    expect(bicep).toMatch(/type: 'ManagedServiceIdentity'\s+identity: identityId/);
  });
});

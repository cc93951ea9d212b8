import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';

import { makeIssueTapHandler } from '../../../src/functions/issue-tap';
import { makeUpdateLockoutHandler } from '../../../src/functions/update-lockout';
import { ActionBaseSchema } from '../../../src/lib/recovery/action-schemas';

const context = () => new InvocationContext({ functionName: 'test' });

function post(body: unknown, method = 'POST') {
  return new HttpRequest({
    method,
    url: 'http://localhost:7071/api/users/AdeleV@contoso.example/tap',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'control-characters-0001' },
    params: { user: 'AdeleV@contoso.example' },
    body: { string: JSON.stringify(body) },
  });
}

const VALID = {
  ticket: 'INC0012345',
  reason: 'locked out',
  verification: { method: 'video_call', reference: 'VC-1' },
};

/** Deps that fail the test if the request got past validation. */
const untouchable = vi.fn(() => {
  throw new Error('a refused request must not reach the services');
});

async function problemFor(response: unknown) {
  const answer = (await response) as { status?: number; body?: unknown };
  return {
    status: answer.status,
    body: JSON.parse(answer.body as string) as { code: string; errors: { path: string }[] },
  };
}

describe('free-text fields refuse control characters', () => {
  const cases: [string, unknown, string][] = [
    ['a newline in ticket', { ...VALID, ticket: 'INC1\nforged: line' }, 'body.ticket'],
    ['a trailing newline in ticket', { ...VALID, ticket: 'INC1\n' }, 'body.ticket'],
    ['NUL in reason', { ...VALID, reason: 'locked\u0000out' }, 'body.reason'],
    ['an escape sequence in reason', { ...VALID, reason: 'ok \u001b[2J' }, 'body.reason'],
    [
      'a carriage return in verification.reference',
      { ...VALID, verification: { method: 'video_call', reference: 'VC\r1' } },
      'body.verification.reference',
    ],
    [
      'a C1 control in verification.reference',
      { ...VALID, verification: { method: 'video_call', reference: 'VC\u00851' } },
      'body.verification.reference',
    ],
    ['a Unicode line separator in ticket', { ...VALID, ticket: 'INC\u20281' }, 'body.ticket'],
  ];

  it.each(cases)(
    'an action refuses %s with 400 invalid_request naming the field',
    async (_name, body, path) => {
      const { status, body: problem } = await problemFor(
        makeIssueTapHandler(untouchable)(post(body), context()),
      );
      expect(status).toBe(400);
      expect(problem.code).toBe('invalid_request');
      expect(problem.errors.map((error) => error.path)).toEqual([path]);
      expect(untouchable).not.toHaveBeenCalled();
    },
  );

  it('PATCH /lockouts/{user} refuses a ticket with a line break', async () => {
    const request = post({ status: 'resolved', ticket: 'INC1\r\nforged' }, 'PATCH');
    const { status, body: problem } = await problemFor(
      makeUpdateLockoutHandler(untouchable)(request, context()),
    );
    expect(status).toBe(400);
    expect(problem.code).toBe('invalid_request');
    expect(problem.errors.map((error) => error.path)).toEqual(['body.ticket']);
    expect(untouchable).not.toHaveBeenCalled();
  });

  it('still accepts ordinary text, trimmed, with accents and punctuation', () => {
    const body = { ...VALID, ticket: '  INC-42 / Zoë’s laptop\t ' };
    expect(ActionBaseSchema.parse({ ...body, ticket: '  INC-42 / Zoë’s laptop  ' }).ticket).toBe(
      'INC-42 / Zoë’s laptop',
    );
    expect(ActionBaseSchema.safeParse(body).success).toBe(false);
  });
});

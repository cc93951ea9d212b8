import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import {
  ActionBaseSchema,
  AddPhoneSchema,
  IssueTapSchema,
  MethodIdSchema,
  ResetMfaSchema,
  SuspendMfaSchema,
} from '../../../src/lib/recovery/action-schemas';

const BASE = { ticket: 'INC1', verification: { method: 'video_call', reference: 'call-42' } };

/** The messages zod gives for `value` under `schema`, or [] when it is accepted. */
function problems(schema: z.ZodType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}
const accepts = (schema: z.ZodType, value: unknown) => expect(problems(schema, value)).toEqual([]);
const refuses = (schema: z.ZodType, value: unknown) => expect(problems(schema, value)).not.toEqual([]);

describe('ActionBaseSchema', () => {
  it('takes a ticket of 1 to 128 characters', () => {
    accepts(ActionBaseSchema, { ...BASE, ticket: 'x' });
    accepts(ActionBaseSchema, { ...BASE, ticket: 'x'.repeat(128) });
    refuses(ActionBaseSchema, { ...BASE, ticket: '' });
    refuses(ActionBaseSchema, { ...BASE, ticket: 'x'.repeat(129) });
  });

  it('takes an optional reason of up to 500 characters', () => {
    accepts(ActionBaseSchema, { ...BASE, reason: '' });
    accepts(ActionBaseSchema, { ...BASE, reason: 'x'.repeat(500) });
    refuses(ActionBaseSchema, { ...BASE, reason: 'x'.repeat(501) });
  });

  it('takes a verification method name and a reference of 1 to 256 characters', () => {
    accepts(ActionBaseSchema, {
      ...BASE,
      verification: { method: 'in_person2', reference: 'x'.repeat(256) },
    });
    accepts(ActionBaseSchema, { ...BASE, verification: { method: `a${'b'.repeat(63)}`, reference: 'r' } });
    for (const method of ['a', `a${'b'.repeat(64)}`, '2fa_call', 'Video_call', 'video-call', 'video call']) {
      expect(problems(ActionBaseSchema, { ...BASE, verification: { method, reference: 'r' } })).toEqual([
        'verification.method: must be a verification method name such as video_call',
      ]);
    }
    refuses(ActionBaseSchema, { ...BASE, verification: { method: 'video_call', reference: '' } });
    refuses(ActionBaseSchema, {
      ...BASE,
      verification: { method: 'video_call', reference: 'x'.repeat(257) },
    });
    refuses(ActionBaseSchema, { ...BASE, verification: { method: 'video_call', reference: 'r', extra: 1 } });
  });

  it('refuses a field it does not know', () => {
    refuses(ActionBaseSchema, { ...BASE, priority: 'high' });
  });
});

describe('ResetMfaSchema', () => {
  it('revokes sessions and really resets unless told otherwise', () => {
    expect(ResetMfaSchema.parse(BASE)).toEqual({ ...BASE, revokeSessions: true, dryRun: false });
  });

  it('takes one or more removable method types, each once', () => {
    accepts(ResetMfaSchema, { ...BASE, methodTypes: ['email', 'fido2'] });
    refuses(ResetMfaSchema, { ...BASE, methodTypes: [] });
    refuses(ResetMfaSchema, { ...BASE, methodTypes: ['password'] });
    expect(problems(ResetMfaSchema, { ...BASE, methodTypes: ['email', 'email'] })).toEqual([
      'methodTypes: must not repeat a type',
    ]);
  });
});

describe('IssueTapSchema', () => {
  it('takes a lifetime within Graph’s 10 to 43 200 minutes, whole minutes only', () => {
    accepts(IssueTapSchema, { ...BASE, lifetimeMinutes: 10 });
    accepts(IssueTapSchema, { ...BASE, lifetimeMinutes: 43_200 });
    refuses(IssueTapSchema, { ...BASE, lifetimeMinutes: 9 });
    refuses(IssueTapSchema, { ...BASE, lifetimeMinutes: 43_201 });
    refuses(IssueTapSchema, { ...BASE, lifetimeMinutes: 60.5 });
  });

  it('takes a start date-time with an offset', () => {
    accepts(IssueTapSchema, { ...BASE, startDateTime: '2026-03-02T12:00:00+01:00', isUsableOnce: false });
    accepts(IssueTapSchema, { ...BASE, startDateTime: '2026-03-02T12:00:00Z' });
    refuses(IssueTapSchema, { ...BASE, startDateTime: '2026-03-02' });
  });
});

describe('AddPhoneSchema', () => {
  it('takes a number of up to 32 characters and the three phone types, SMS sign-in off unless asked', () => {
    const phone = { ...BASE, phoneNumber: '+14255550100', phoneType: 'alternateMobile' };
    expect(AddPhoneSchema.parse(phone)).toEqual({ ...phone, smsSignIn: false });
    accepts(AddPhoneSchema, { ...phone, phoneNumber: 'x'.repeat(32), phoneType: 'office' });
    accepts(AddPhoneSchema, { ...phone, phoneType: 'mobile', smsSignIn: true });
    refuses(AddPhoneSchema, { ...phone, phoneNumber: 'x'.repeat(33) });
    refuses(AddPhoneSchema, { ...phone, phoneType: 'pager' });
  });
});

describe('SuspendMfaSchema', () => {
  it('takes 1 to 43 200 whole minutes', () => {
    accepts(SuspendMfaSchema, { ...BASE, minutes: 1 });
    accepts(SuspendMfaSchema, { ...BASE, minutes: 43_200 });
    refuses(SuspendMfaSchema, { ...BASE, minutes: 0 });
    refuses(SuspendMfaSchema, { ...BASE, minutes: 43_201 });
    refuses(SuspendMfaSchema, { ...BASE, minutes: 1.5 });
  });
});

describe('MethodIdSchema', () => {
  it('takes a GUID or a short opaque id, and nothing that could change a URL', () => {
    accepts(MethodIdSchema, '28c10230-6103-485e-b985-444c60001490');
    accepts(MethodIdSchema, 'x');
    accepts(MethodIdSchema, 'A_b-9'.repeat(25) + 'abc');
    for (const id of ['', 'x'.repeat(129), '../users', 'a/b', 'a b', 'a?b', '%2F']) {
      expect(problems(MethodIdSchema, id)).toEqual([': must be an authentication method id']);
    }
  });
});

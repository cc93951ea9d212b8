import { z } from 'zod';

import { REMOVABLE_METHOD_TYPES } from '../graph/method-types';
import { singleLineText } from '../http/plain-text';

/** What every mutating request carries: the ITSM ticket and how the helpdesk verified the person. */
export const ActionBaseSchema = z.strictObject({
  ticket: singleLineText({ min: 1, max: 128 }),
  reason: singleLineText({ max: 500 }).optional(),
  verification: z.strictObject({
    method: z
      .string()
      .regex(/^[a-z][a-z0-9_]{1,63}$/, 'must be a verification method name such as video_call'),
    reference: singleLineText({ min: 1, max: 256 }),
  }),
});

export type ActionBase = z.infer<typeof ActionBaseSchema>;

export const ResetMfaSchema = ActionBaseSchema.extend({
  revokeSessions: z.boolean().default(true),
  methodTypes: z
    .array(z.enum(REMOVABLE_METHOD_TYPES))
    .min(1)
    .refine((types) => new Set(types).size === types.length, { error: 'must not repeat a type' })
    .optional(),
  dryRun: z.boolean().default(false),
});

export const IssueTapSchema = ActionBaseSchema.extend({
  lifetimeMinutes: z.int().min(10).max(43_200).optional(),
  isUsableOnce: z.boolean().optional(),
  startDateTime: z.iso.datetime({ offset: true }).optional(),
});

export const AddPhoneSchema = ActionBaseSchema.extend({
  phoneNumber: z.string().max(32),
  phoneType: z.enum(['mobile', 'alternateMobile', 'office']),
  smsSignIn: z.boolean().default(false),
});

export const SuspendMfaSchema = ActionBaseSchema.extend({
  minutes: z.int().min(1).max(43_200),
});

/** Graph method ids are GUIDs or short opaque strings; nothing here reaches a URL unencoded. */
export const MethodIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an authentication method id');

/** One-call recovery: the reset's scope and revocation, then the pass's options (docs/recover.md). */
export const RecoverUserSchema = ActionBaseSchema.extend({
  methodTypes: ResetMfaSchema.shape.methodTypes,
  revokeSessions: ResetMfaSchema.shape.revokeSessions,
  lifetimeMinutes: IssueTapSchema.shape.lifetimeMinutes,
  isUsableOnce: IssueTapSchema.shape.isUsableOnce,
});

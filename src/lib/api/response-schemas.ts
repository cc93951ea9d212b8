import { z } from 'zod';

import { APPROVAL_STATUSES } from '../approvals/approval';
import { FLAG_CATEGORIES, LOCKOUT_CATEGORIES, LOCKOUT_STATUSES } from '../detection/lockout-flag';
import { METHOD_TYPES } from '../graph/method-types';
import { PROBLEMS } from '../http/problem';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../storage/audit-entity';

/*
 * What each operation answers, as the documents describe it and the e2e contract test checks real
 * answers against. Objects are loose (extra members allowed) so a new field is not a breaking
 * change; the members listed are the contract.
 */

const dateTime = z.string().describe('An ISO 8601 date and time.');

export const ProblemSchema = z
  .looseObject({
    type: z.string().describe('A URN naming the problem.'),
    title: z.string().describe('A short, fixed description of the problem.'),
    status: z.int().describe('The HTTP status code.'),
    detail: z.string().describe('What went wrong with this request.'),
    code: z.enum(Object.keys(PROBLEMS) as [keyof typeof PROBLEMS]).describe('The stable error code.'),
    correlationId: z.string().describe('The correlation id of the request.'),
    errors: z
      .array(
        z.looseObject({
          path: z.string().describe('The field at fault.'),
          message: z.string().describe('What is wrong with it.'),
        }),
      )
      .optional()
      .describe('One entry per invalid field.'),
    graphRequestId: z.string().optional().describe("Microsoft Graph's request id, for tracing."),
    graphCode: z.string().optional().describe("Microsoft Graph's error code."),
  })
  .describe('An RFC 9457 problem document.');

export const HealthReportSchema = z.looseObject({
  status: z.enum(['healthy', 'degraded', 'unhealthy']).describe('The overall status.'),
  checks: z
    .array(
      z.looseObject({
        name: z.string().describe('The dependency checked.'),
        status: z.enum(['healthy', 'degraded', 'unhealthy']).describe("The dependency's status."),
        durationMs: z.number().describe('How long the check took, in milliseconds.'),
        error: z.string().optional().describe("The failure's kind."),
      }),
    )
    .describe('One entry per dependency.'),
});

export const ApiDescriptionSchema = z.looseObject({}).describe('An API description document.');

const UserSummarySchema = z
  .looseObject({
    id: z.string().describe('The Entra object id.'),
    userPrincipalName: z.string().describe('The user principal name.'),
  })
  .describe('The user acted on.');

export const UserMethodsSchema = z.looseObject({
  user: UserSummarySchema.extend({
    displayName: z.string().nullable().optional().describe('The display name.'),
    accountEnabled: z.boolean().nullable().optional().describe('Whether the account is enabled.'),
    userType: z.string().nullable().optional().describe('Member or Guest.'),
  }),
  methods: z
    .array(
      z.looseObject({
        id: z.string().describe('The method id.'),
        type: z.enum([...Object.values(METHOD_TYPES), 'unknown']).describe('The method type.'),
        odataType: z.string().describe("Microsoft Graph's type name."),
        createdDateTime: z.string().nullable().describe('When the method was registered.'),
        details: z
          .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
          .describe('Non-secret properties; phone numbers and addresses masked.'),
      }),
    )
    .describe('Every registered authentication method.'),
});

/** Every mutating action answers its own body; these members are common, the rest depends on the action. */
export const ActionResultSchema = z
  .looseObject({
    user: UserSummarySchema.optional(),
    outcome: z.string().optional().describe('complete, partial or planned, for resets.'),
  })
  .describe('The result of the action.');

export const PhoneResultSchema = ActionResultSchema.extend({
  method: z
    .looseObject({
      id: z.string().describe('The method id.'),
      phoneType: z.string().describe('mobile, alternateMobile or office.'),
      phoneNumber: z.string().describe('The number, masked to its last 4 digits.'),
      created: z.boolean().describe('False when a retry found the phone already added.'),
    })
    .describe('The phone.'),
  smsSignIn: z
    .looseObject({
      requested: z.boolean().describe('Whether SMS sign-in was asked for.'),
      enabled: z.boolean().describe('Whether it is enabled now.'),
      state: z.string().describe("Graph's smsSignInState, or what happened to the request."),
    })
    .describe('SMS sign-in on this phone.'),
  warnings: z
    .array(
      z.looseObject({
        code: z.enum(['telephony_retired']).describe('The stable warning code.'),
        message: z.string().describe('What the caller should know.'),
      }),
    )
    .optional()
    .describe(
      "Present from TELEPHONY_RETIREMENT_DATE (2027-02-01) with Microsoft's telephony: the phone was added but cannot be used to sign in.",
    ),
}).describe('The result of adding the phone.');

export const TapResultSchema = z.looseObject({
  temporaryAccessPass: z
    .string()
    .nullable()
    .describe('The pass, shown once; null when a retry replays the answer.'),
  methodId: z.string().describe('The id of the pass as an authentication method.'),
  startDateTime: dateTime,
  lifetimeInMinutes: z.int().describe('How long the pass lasts, in minutes.'),
  expiresDateTime: dateTime,
  isUsableOnce: z.boolean().describe('Whether the pass works for one sign-in only.'),
});

export const ApprovalRequestedSchema = z
  .looseObject({
    approvalId: z.string().describe('The approval to wait for; send it back as Approval-Id.'),
    status: z.enum(APPROVAL_STATUSES).describe('Where the approval stands.'),
    action: z.enum(AUDIT_ACTIONS).describe('The action to approve.'),
    expiresAt: dateTime,
  })
  .describe('The target is protected: a second person must approve, then the caller repeats the request.');

const ApprovalPartySchema = z.looseObject({
  id: z.string().describe('The caller id.'),
  name: z.string().optional().describe('The caller name.'),
});

export const ApprovalSchema = z.looseObject({
  id: z.string().describe('The approval id.'),
  status: z.enum([...APPROVAL_STATUSES, 'expired']).describe('Where the approval stands.'),
  action: z.enum(AUDIT_ACTIONS).describe('The action to approve.'),
  targetId: z.string().describe('The object id of the target user.'),
  targetUpn: z.string().describe('The user principal name of the target user.'),
  ticket: z.string().describe('The ticket of the request.'),
  requester: ApprovalPartySchema.describe('Who asked.'),
  createdAt: dateTime,
  expiresAt: dateTime,
});

export const LockoutSchema = z.looseObject({
  userId: z.string().describe('The object id of the user.'),
  userPrincipalName: z.string().optional().describe('The user principal name.'),
  category: z.enum(FLAG_CATEGORIES).describe('What the flag is about.'),
  status: z.enum(LOCKOUT_STATUSES).describe('Where the flag stands.'),
  protected: z.boolean().describe('Whether the service refuses to act on this user.'),
  lockoutAttempts: z.int().describe('Failed sign-ins that look like a lockout.'),
  attackAttempts: z.int().describe('Failed sign-ins that look like an attack.'),
  firstFailureAt: dateTime,
  lastFailureAt: dateTime,
  recentEvents: z
    .array(
      z.looseObject({
        id: z.string().describe('The sign-in id.'),
        time: dateTime,
        category: z.enum(LOCKOUT_CATEGORIES).describe('How the sign-in was classified.'),
        errorCode: z.int().describe("Entra's error code."),
      }),
    )
    .describe('The newest failed sign-ins.'),
  openedAt: dateTime,
  updatedAt: dateTime,
  ticket: z.string().optional().describe('The ticket that acknowledged or resolved the flag.'),
});

export const LockoutPageSchema = z.looseObject({
  lockouts: z.array(LockoutSchema).describe('The flags on this page.'),
  continuationToken: z.string().optional().describe('Pass it back for the next page.'),
});

export const AuditPageSchema = z.looseObject({
  entries: z
    .array(
      z.looseObject({
        id: z.string().describe('The entry id.'),
        time: dateTime,
        action: z.enum(AUDIT_ACTIONS).describe('The action.'),
        outcome: z.enum(AUDIT_OUTCOMES).describe('How it ended.'),
        caller: z.string().describe('Who acted.'),
        correlationId: z.string().describe('The correlation id of the request.'),
      }),
    )
    .describe('The entries on this page, newest first.'),
  continuationToken: z.string().optional().describe('Pass it back for the next page.'),
});

export const ServiceStateSchema = z.looseObject({
  enabled: z.boolean().describe('Whether changes are allowed now.'),
  brake: z
    .looseObject({
      engaged: z.boolean().describe('Whether the mass-recovery brake is engaged.'),
      usersInWindow: z.int().describe('Users recovered in the current window.'),
    })
    .describe('The mass-recovery brake.'),
});

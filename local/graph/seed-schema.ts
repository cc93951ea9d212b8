import { z } from 'zod';

import { EMAIL_METHOD_ID, PASSWORD_METHOD_ID, PHONE_METHOD_IDS } from './graph-ids';

/**
 * The seed file format for the simulated tenant. Property names are Graph's own (v1.0 `user`,
 * the `*AuthenticationMethod` types, `temporaryAccessPassAuthenticationMethodConfiguration`) so
 * a seed reads like what Graph stores; simulator-only fields are few and named plainly.
 * `GET /_sim/state` returns the same shape, so a state dump can be fed back to `/_sim/reset`.
 */

const Guid = z.guid();
const DateTime = z.iso.datetime({ offset: true });

const MethodBase = {
  id: Guid,
  createdDateTime: DateTime.optional(),
  /** Beta-only property of every method. */
  lastUsedDateTime: DateTime.optional(),
};

const KeyStrength = z.enum(['normal', 'weak', 'unknown']);

/** Graph's phone number format, "+{country code} {number}x{extension}" (phoneAuthenticationMethod docs). */
export const PHONE_NUMBER_PATTERN = /^\+\d{1,3} \d{4,14}(x\d+)?$/;

export const PasswordMethodSchema = z.strictObject({
  type: z.literal('password'),
  ...MethodBase,
  id: z.literal(PASSWORD_METHOD_ID),
});

export const PhoneMethodSchema = z
  .strictObject({
    type: z.literal('phone'),
    ...MethodBase,
    // Graph's format: "+{country code} {number}x{extension}".
    phoneNumber: z.string().regex(PHONE_NUMBER_PATTERN, 'phoneNumber must look like "+1 5555551234"'),
    phoneType: z.enum(['mobile', 'alternateMobile', 'office']),
    smsSignInState: z
      .enum([
        'notSupported',
        'notAllowedByPolicy',
        'notEnabled',
        'phoneNumberNotUnique',
        'ready',
        'notConfigured',
      ])
      .default('notSupported'),
  })
  .refine((phone) => phone.id === PHONE_METHOD_IDS[phone.phoneType], {
    error:
      'a phone method id is fixed by its phoneType (mobile 3179e48a-…, alternateMobile b6332ec1-…, office e37fc753-…)',
    path: ['id'],
  });

export const EmailMethodSchema = z.strictObject({
  type: z.literal('email'),
  ...MethodBase,
  id: z.literal(EMAIL_METHOD_ID),
  emailAddress: z.email(),
});

export const MicrosoftAuthenticatorMethodSchema = z.strictObject({
  type: z.literal('microsoftAuthenticator'),
  ...MethodBase,
  displayName: z.string(),
  deviceTag: z.string().default('SoftwareTokenActivated'),
  phoneAppVersion: z.string().optional(),
  /** Beta only. */
  clientAppName: z.enum(['microsoftAuthenticator', 'outlookMobile']).default('microsoftAuthenticator'),
});

export const Fido2MethodSchema = z.strictObject({
  type: z.literal('fido2'),
  ...MethodBase,
  displayName: z.string(),
  aaGuid: Guid,
  model: z.string(),
  attestationCertificates: z.array(z.string()).default([]),
  attestationLevel: z.enum(['attested', 'notAttested']),
  passkeyType: z.enum(['deviceBound', 'synced']).default('deviceBound'),
});

export const SoftwareOathMethodSchema = z.strictObject({
  type: z.literal('softwareOath'),
  ...MethodBase,
});

export const WindowsHelloForBusinessMethodSchema = z.strictObject({
  type: z.literal('windowsHelloForBusiness'),
  ...MethodBase,
  displayName: z.string(),
  keyStrength: KeyStrength.default('normal'),
  /**
   * Simulator state: deleting this key is refused with "MFA is required for a 'RemoveKey'
   * operation, but was not performed." (observed from Graph, msgraph-sdk-powershell#2518).
   */
  deleteRequiresMfa: z.boolean().optional(),
});

export const TemporaryAccessPassMethodSchema = z
  .strictObject({
    type: z.literal('temporaryAccessPass'),
    ...MethodBase,
    startDateTime: DateTime,
    lifetimeInMinutes: z.int().min(10).max(43200),
    isUsableOnce: z.boolean(),
    /** Simulator state: a one-time pass that has been used (methodUsabilityReason OneTimeUsed). */
    used: z.boolean().default(false),
  })
  .refine((tap) => !tap.used || tap.isUsableOnce, {
    error: 'only a one-time pass can be used up',
    path: ['used'],
  });

export const PlatformCredentialMethodSchema = z.strictObject({
  type: z.literal('platformCredential'),
  ...MethodBase,
  displayName: z.string(),
  keyStrength: KeyStrength.default('normal'),
  platform: z.enum(['unknown', 'windows', 'macOS', 'iOS', 'android', 'linux']),
});

/** Beta only; the beta type declares no structural property of its own (the token details live on the device). */
export const HardwareOathMethodSchema = z.strictObject({
  type: z.literal('hardwareOath'),
  ...MethodBase,
});

/** Beta only, legacy type. */
export const PasswordlessMicrosoftAuthenticatorMethodSchema = z.strictObject({
  type: z.literal('passwordlessMicrosoftAuthenticator'),
  ...MethodBase,
  displayName: z.string(),
});

/** QR code + PIN (frontline workers): managed through the single-valued `qrCodePinMethod`. */
export const QrCodePinMethodSchema = z.strictObject({
  type: z.literal('qrCodePin'),
  ...MethodBase,
});

export const AuthenticationMethodSeedSchema = z.discriminatedUnion('type', [
  PasswordMethodSchema,
  PhoneMethodSchema,
  EmailMethodSchema,
  MicrosoftAuthenticatorMethodSchema,
  Fido2MethodSchema,
  SoftwareOathMethodSchema,
  WindowsHelloForBusinessMethodSchema,
  TemporaryAccessPassMethodSchema,
  PlatformCredentialMethodSchema,
  HardwareOathMethodSchema,
  PasswordlessMicrosoftAuthenticatorMethodSchema,
  QrCodePinMethodSchema,
]);

export type AuthenticationMethodSeed = z.infer<typeof AuthenticationMethodSeedSchema>;
export type AuthenticationMethodType = AuthenticationMethodSeed['type'];

/** Beta `signInPreferences`: which method is the user's default for MFA. */
export const SignInPreferencesSchema = z.strictObject({
  isSystemPreferredAuthenticationMethodEnabled: z.boolean().default(true),
  userPreferredMethodForSecondaryAuthentication: z
    .enum(['push', 'oath', 'voiceMobile', 'voiceAlternateMobile', 'voiceOffice', 'sms'])
    .nullable()
    .default(null),
});

export const UserSeedSchema = z.strictObject({
  id: Guid,
  userPrincipalName: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'userPrincipalName must be name@domain'),
  displayName: z.string(),
  givenName: z.string().optional(),
  surname: z.string().optional(),
  mail: z.string().optional(),
  mailNickname: z.string().optional(),
  otherMails: z.array(z.string()).optional(),
  accountEnabled: z.boolean().default(true),
  userType: z.enum(['Member', 'Guest']).default('Member'),
  creationType: z.string().optional(),
  externalUserState: z.enum(['PendingAcceptance', 'Accepted']).optional(),
  jobTitle: z.string().optional(),
  department: z.string().optional(),
  companyName: z.string().optional(),
  employeeId: z.string().optional(),
  officeLocation: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
  usageLocation: z.string().length(2).optional(),
  preferredLanguage: z.string().optional(),
  mobilePhone: z.string().optional(),
  businessPhones: z.array(z.string()).default([]),
  createdDateTime: DateTime.optional(),
  onPremisesSyncEnabled: z.boolean().optional(),
  /** Registered methods, in the order Graph lists them. */
  authenticationMethods: z.array(AuthenticationMethodSeedSchema).default([]),
  signInPreferences: SignInPreferencesSchema.optional(),
  /** Beta `authentication/requirements`. */
  perUserMfaState: z.enum(['disabled', 'enabled', 'enforced']).default('disabled'),
  /** Set by revokeSignInSessions; refresh tokens issued before it are invalid. */
  signInSessionsValidFromDateTime: DateTime.optional(),
});

export type UserSeed = z.infer<typeof UserSeedSchema>;

export const GroupSeedSchema = z.strictObject({
  id: Guid,
  displayName: z.string(),
  description: z.string().optional(),
  mailEnabled: z.boolean().default(false),
  securityEnabled: z.boolean().default(true),
  groupTypes: z.array(z.string()).default([]),
  isAssignableToRole: z.boolean().default(false),
  /** Direct members: user or group object ids. */
  memberIds: z.array(Guid).default([]),
});

export type GroupSeed = z.infer<typeof GroupSeedSchema>;

/** An activated directory role and its active (not PIM-eligible) members. */
export const DirectoryRoleSeedSchema = z.strictObject({
  /** The activated role's object id, different in every tenant. */
  id: Guid,
  roleTemplateId: Guid,
  displayName: z.string(),
  description: z.string().optional(),
  /** Users or role-assignable groups holding the role. */
  memberIds: z.array(Guid).default([]),
});

export type DirectoryRoleSeed = z.infer<typeof DirectoryRoleSeedSchema>;

/**
 * Licences the tenant holds. PIM (eligible roles, PIM for Groups) needs Entra ID P2 or ID
 * Governance; the sign-in logs API needs P1 or P2 (P2 includes P1, so `p2` alone is enough).
 */
export const LicencesSchema = z.strictObject({
  /** Absent: held (the demo tenant has P2 anyway). */
  p1: z.boolean().optional(),
  p2: z.boolean(),
});

/** `/` (tenant-wide) or `/administrativeUnits/{id}`. */
const DirectoryScopeId = z
  .string()
  .regex(
    /^\/(administrativeUnits\/[0-9a-f-]{36})?$/i,
    'directoryScopeId must be / or /administrativeUnits/{id}',
  );

const RoleScheduleBase = {
  /** A user or a role-assignable group (a group's rows carry the group's id, never its members'). */
  principalId: Guid,
  /** For built-in roles the role template id (unifiedRoleAssignment docs). */
  roleDefinitionId: Guid,
  directoryScopeId: DirectoryScopeId.default('/'),
  /** null: from the start / never ends. Ended schedules are kept in the seed but no longer listed. */
  startDateTime: DateTime.nullable().default(null),
  endDateTime: DateTime.nullable().default(null),
};

/** A PIM eligibility for a directory role (roleEligibilityScheduleInstances). */
export const RoleEligibilitySeedSchema = z.strictObject(RoleScheduleBase);
export type RoleEligibilitySeed = z.infer<typeof RoleEligibilitySeedSchema>;

/**
 * An active role assignment other than the permanent tenant-wide ones listed under
 * `directoryRoles`: one scoped to an administrative unit, or a time-bound / PIM-activated one.
 */
export const RoleAssignmentSeedSchema = z.strictObject({
  ...RoleScheduleBase,
  assignmentType: z.enum(['Assigned', 'Activated']).default('Assigned'),
});
export type RoleAssignmentSeed = z.infer<typeof RoleAssignmentSeedSchema>;

/** PIM for Groups: a user eligible to become a member or owner of a group. */
export const GroupEligibilitySeedSchema = z.strictObject({
  groupId: Guid,
  principalId: Guid,
  accessId: z.enum(['member', 'owner']).default('member'),
  startDateTime: DateTime.nullable().default(null),
  endDateTime: DateTime.nullable().default(null),
});
export type GroupEligibilitySeed = z.infer<typeof GroupEligibilitySeedSchema>;

const MethodTarget = z.strictObject({
  targetType: z.enum(['user', 'group']),
  /** An object id, or "all_users". */
  id: z.string(),
  isRegistrationRequired: z.boolean().default(false),
});

const Lifetime = z.int().min(10).max(43200);

export const TemporaryAccessPassPolicySchema = z
  .strictObject({
    state: z.enum(['enabled', 'disabled']),
    defaultLifetimeInMinutes: Lifetime,
    defaultLength: z.int().min(8).max(48),
    minimumLifetimeInMinutes: Lifetime,
    maximumLifetimeInMinutes: Lifetime,
    isUsableOnce: z.boolean(),
    includeTargets: z.array(MethodTarget).default([]),
    excludeTargets: z.array(MethodTarget.omit({ isRegistrationRequired: true })).default([]),
  })
  .refine(
    (p) =>
      p.minimumLifetimeInMinutes <= p.defaultLifetimeInMinutes &&
      p.defaultLifetimeInMinutes <= p.maximumLifetimeInMinutes,
    { error: 'need minimumLifetimeInMinutes <= defaultLifetimeInMinutes <= maximumLifetimeInMinutes' },
  );

/**
 * The SMS method's policy (Graph's `smsAuthenticationMethodConfiguration`): only what SMS sign-in
 * needs. A user may sign in with SMS when the method is enabled and an include target with
 * `isUsableForSignIn` covers them (phoneauthenticationmethod-enablesmssignin docs).
 */
export const SmsPolicySchema = z.strictObject({
  state: z.enum(['enabled', 'disabled']),
  includeTargets: z.array(MethodTarget.extend({ isUsableForSignIn: z.boolean().default(true) })).default([]),
  excludeTargets: z.array(MethodTarget.omit({ isRegistrationRequired: true })).default([]),
});

/**
 * Sign-in events are shaped as Graph's `signIn`; only the fields every consumer needs are checked.
 * `visibleAfter` (simulator only): the event stays hidden from the API until then, as late-arriving
 * events do (its createdDateTime may be earlier).
 */
export const SignInSeedSchema = z.looseObject({
  id: z.string().min(1),
  createdDateTime: DateTime,
  userId: Guid,
  visibleAfter: DateTime.optional(),
});
export type SignInSeed = z.infer<typeof SignInSeedSchema>;

const Upn = z.string().regex(/@/);

export const TenantSeedSchema = z
  .strictObject({
    $schema: z.string().optional(),
    tenant: z.strictObject({ id: Guid, displayName: z.string(), initialDomain: z.string() }),
    /** Which seeded accounts play which part in demos and docs (UPNs). */
    demo: z
      .strictObject({
        ordinaryUser: Upn,
        everyMethodUser: Upn,
        globalAdministrator: Upn,
        breakGlass: Upn,
        guest: Upn,
        dollarUser: Upn,
        /** PIM-eligible (not active) Global Administrator. */
        eligibleGlobalAdministrator: Upn,
        /** Active protected role held through a role-assignable group. */
        roleGroupMember: Upn,
        /** Member of a role-assignable group that is PIM-eligible for a protected role. */
        eligibleRoleGroupMember: Upn,
        /** PIM for Groups: eligible member of a role-assignable group holding a protected role. */
        pimGroupEligibleMember: Upn,
        /** Member, through a nested plain group, of the group the demo config protects. */
        protectedGroupMember: Upn,
        /** Active protected role scoped to an administrative unit (absent from transitiveMemberOf). */
        scopedAdministrator: Upn,
      })
      .partial()
      .default({}),
    users: z.array(UserSeedSchema),
    groups: z.array(GroupSeedSchema).default([]),
    directoryRoles: z.array(DirectoryRoleSeedSchema).default([]),
    /** Without P2 the PIM endpoints answer 400 AadPremiumLicenseRequired; without P1 (or P2) the sign-in logs 403. */
    licences: LicencesSchema.default({ p2: true }),
    roleEligibilities: z.array(RoleEligibilitySeedSchema).default([]),
    roleAssignments: z.array(RoleAssignmentSeedSchema).default([]),
    groupEligibilities: z.array(GroupEligibilitySeedSchema).default([]),
    policies: z.strictObject({
      temporaryAccessPass: TemporaryAccessPassPolicySchema,
      /** Absent: SMS sign-in is off for everyone. */
      sms: SmsPolicySchema.optional(),
    }),
    signIns: z.array(SignInSeedSchema).default([]),
  })
  .superRefine((seed, ctx) => {
    const issue = (message: string, path: (string | number)[]) =>
      ctx.addIssue({ code: 'custom', message, path });
    const userIds = new Set<string>();
    const upns = new Set<string>();
    seed.users.forEach((user, i) => {
      const id = user.id.toLowerCase();
      const upn = user.userPrincipalName.toLowerCase();
      if (userIds.has(id)) issue(`duplicate user id ${user.id}`, ['users', i, 'id']);
      if (upns.has(upn)) issue(`duplicate userPrincipalName ${user.userPrincipalName}`, ['users', i]);
      userIds.add(id);
      upns.add(upn);
      const methodIds = user.authenticationMethods.map((m) => m.id.toLowerCase());
      if (new Set(methodIds).size !== methodIds.length) issue('duplicate method id', ['users', i]);
      const taps = user.authenticationMethods.filter((m) => m.type === 'temporaryAccessPass');
      if (taps.length > 1) issue('a user has at most one Temporary Access Pass', ['users', i]);
      // qrCodePinMethod is single-valued.
      if (user.authenticationMethods.filter((m) => m.type === 'qrCodePin').length > 1) {
        issue('a user has at most one QR code + PIN method', ['users', i]);
      }
      const phoneTypes = user.authenticationMethods.flatMap((m) => (m.type === 'phone' ? [m.phoneType] : []));
      if (new Set(phoneTypes).size !== phoneTypes.length)
        issue('a user has one phone per phoneType', ['users', i]);
      const phones = user.authenticationMethods.filter((m) => m.type === 'phone');
      if (
        phones.some((p) => p.phoneType === 'alternateMobile') &&
        !phones.some((p) => p.phoneType === 'mobile')
      ) {
        issue('an alternateMobile phone needs a mobile phone', ['users', i]);
      }
    });
    const groupIds = new Set(seed.groups.map((g) => g.id.toLowerCase()));
    const roleAssignable = new Set(
      seed.groups.filter((g) => g.isAssignableToRole).map((g) => g.id.toLowerCase()),
    );
    seed.groups.forEach((group, i) => {
      group.memberIds.forEach((member, j) => {
        const id = member.toLowerCase();
        if (!userIds.has(id) && !groupIds.has(id))
          issue(`unknown member ${member}`, ['groups', i, 'memberIds', j]);
        // Entra: role-assignable groups can't have groups as members.
        if (group.isAssignableToRole && groupIds.has(id)) {
          issue('a role-assignable group cannot contain groups', ['groups', i, 'memberIds', j]);
        }
      });
    });
    seed.directoryRoles.forEach((role, i) => {
      role.memberIds.forEach((member, j) => {
        const id = member.toLowerCase();
        if (!userIds.has(id) && !roleAssignable.has(id)) {
          issue(`role member ${member} is neither a user nor a role-assignable group`, [
            'directoryRoles',
            i,
            'memberIds',
            j,
          ]);
        }
      });
    });
    // PIM rows: principals are users or role-assignable groups; a tenant-wide active assignment
    // needs its role activated (a directoryRoles entry), as transitiveMemberOf lists that object.
    const activated = new Set(seed.directoryRoles.map((role) => role.roleTemplateId.toLowerCase()));
    const rolePrincipal = (kind: 'roleEligibilities' | 'roleAssignments') =>
      seed[kind].forEach((row, i) => {
        const id = row.principalId.toLowerCase();
        if (!userIds.has(id) && !roleAssignable.has(id)) {
          issue(`principal ${row.principalId} is neither a user nor a role-assignable group`, [kind, i]);
        }
      });
    rolePrincipal('roleEligibilities');
    rolePrincipal('roleAssignments');
    seed.roleAssignments.forEach((row, i) => {
      if (row.directoryScopeId === '/' && !activated.has(row.roleDefinitionId.toLowerCase())) {
        issue(`a tenant-wide assignment needs directoryRoles to hold ${row.roleDefinitionId}`, [
          'roleAssignments',
          i,
        ]);
      }
    });
    seed.groupEligibilities.forEach((row, i) => {
      if (!groupIds.has(row.groupId.toLowerCase()))
        issue(`unknown group ${row.groupId}`, ['groupEligibilities', i]);
      if (!userIds.has(row.principalId.toLowerCase()))
        issue(`principal ${row.principalId} is not a user`, ['groupEligibilities', i]);
    });
    for (const [part, upn] of Object.entries(seed.demo)) {
      if (!upns.has(upn.toLowerCase())) issue(`demo.${part} names no seeded user`, ['demo', part]);
    }
  });

/** What a seed file contains (defaults may be omitted). */
export type TenantSeed = z.input<typeof TenantSeedSchema>;
/** A parsed seed: the simulator's state. */
export type TenantData = z.infer<typeof TenantSeedSchema>;

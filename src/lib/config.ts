import { z } from 'zod';

import { DEFAULT_FUNCTION_KEY_ROLES, type Role, ROLES } from './auth/roles';
import { TELEPHONY_RETIREMENT } from './registration/classify';
import { DEFAULT_SNAPSHOTS_KEPT } from './registration/snapshot';
import { isLoopbackHttp } from './storage/loopback';

const GRAPH_HOSTS = new Set(['graph.microsoft.com']);

/** Unset and empty are the same thing: `func` settings files and portals often hold "". */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });

const positiveInt = (fallback: number) =>
  optionalText
    .pipe(z.string().regex(/^\d+$/, 'must be a positive whole number').optional())
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .pipe(z.number().int().positive());

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A comma- or space-separated list; each item checked, lower-cased GUIDs compare reliably. */
const guidList = (fallback: readonly string[]) =>
  optionalText
    .transform((value) => (value === undefined ? [...fallback] : value.split(/[\s,]+/).filter(Boolean)))
    .pipe(z.array(z.string().regex(GUID, 'must list object ids (GUIDs)')))
    .transform((ids) => ids.map((id) => id.toLowerCase()));

/** A comma- or space-separated list of sign-in error codes (5–6 digit AADSTS numbers). */
const errorCodeList = (fallback: readonly number[]) =>
  optionalText
    .transform((value) =>
      value === undefined ? fallback.map(String) : value.split(/[\s,]+/).filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^\d{4,7}$/, 'must list numeric sign-in error codes'))
        .min(1)
        .max(20),
    )
    .transform((codes) => [...new Set(codes.map(Number))]);

/** A whole number that may be 0 (e.g. a switch-off value). */
const wholeNumber = (fallback: number) =>
  optionalText
    .pipe(z.string().regex(/^\d+$/, 'must be a whole number').optional())
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .pipe(z.number().int().min(0));

/** `true` or `false` (any case); unset is the fallback. */
const flag = (fallback: boolean) =>
  optionalText
    .pipe(z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']).optional())
    .transform((value) => (value === undefined ? fallback : value.toLowerCase() === 'true'));

const queueName = (fallback: string) =>
  optionalText
    .pipe(
      z
        .string()
        .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'must be a valid queue name')
        .optional(),
    )
    .transform((value) => value ?? fallback);

const nameList = (fallback: readonly string[]) =>
  optionalText
    .transform((value) => (value === undefined ? [...fallback] : value.split(/[\s,]+/).filter(Boolean)))
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'must list snake_case names')).min(1));

/**
 * Directory roles whose holders this service never acts on (role template ids): Global,
 * Privileged Role, Privileged Authentication, Security, Exchange, SharePoint, User,
 * Authentication, Authentication Policy and Conditional Access Administrator, and Global Reader.
 */
export const DEFAULT_PROTECTED_ROLE_TEMPLATE_IDS = [
  '62e90394-69f5-4237-9190-012177145e10',
  'e8611ab8-c189-46e8-94e1-60213ab1f814',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  '194ae4cb-b126-40b2-bd5b-6091b380977d',
  '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  '0526716b-113d-4c15-b2c8-68e3c22b9f80',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
] as const;

export const DEFAULT_VERIFICATION_METHODS = [
  'verified_id',
  'video_call',
  'callback_to_number_on_record',
  'manager_approval',
  'in_person',
] as const;

// --- Callers: who may call (docs/callers.md) ---------------------------------------------------

/** A function key never holds these: two people can't be told apart by one shared key. */
const PERSON_ONLY_ROLES: readonly Role[] = ['Recovery.Privileged', 'Recovery.Approve'];

const roleList = (fallback: readonly Role[]) =>
  optionalText
    .transform((value) => (value === undefined ? [...fallback] : value.split(/[\s,]+/).filter(Boolean)))
    .pipe(
      z.array(
        z
          .enum(ROLES, { error: `must list app roles (${ROLES.join(', ')})` })
          .refine((role) => !PERSON_ONLY_ROLES.includes(role), {
            error:
              'must not hold Recovery.Privileged or Recovery.Approve (a shared key is nobody in particular)',
          }),
      ),
    );

const onOff = optionalText
  .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }).optional())
  .transform((value) => value === 'true');

/** Entra's JWKS, or a local stand-in on loopback over plain HTTP (the local stack). */
const jwksUrl = optionalText.pipe(
  z
    .url({ error: 'must be a URL' })
    .refine((url) => url.startsWith('https://') || isLoopbackHttp(url), {
      error: 'must be an https:// URL (plain http only on loopback)',
    })
    .optional(),
);

/** `{"user:<oid>": ["<administrative unit or group id>", ...], "app:<appid>": [...]}`. */
const callerScopes = optionalText
  .transform((value, ctx) => {
    if (value === undefined) return {};
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().regex(/^(user|app):[0-9a-f-]{36}$/i, 'keys must be caller ids (user:<oid> or app:<appid>)'),
      z.array(z.string().regex(GUID, 'must list administrative unit or group ids (GUIDs)')).min(1),
      { error: 'must be a JSON object of caller id to id list' },
    ),
  );

const CallerEnvironmentShape = {
  CALLER_AUTH: optionalText
    .pipe(z.enum(['functionKey', 'entraToken'], { error: 'must be functionKey or entraToken' }).optional())
    .transform((value) => value ?? 'functionKey'),
  CALLER_TENANT_ID: optionalText.pipe(z.guid({ error: 'must be a GUID (the tenant id)' }).optional()),
  CALLER_API_CLIENT_ID: optionalText.pipe(
    z.guid({ error: "must be a GUID (the API app registration's client id)" }).optional(),
  ),
  CALLER_API_APP_ID_URI: optionalText,
  CALLER_JWKS_URL: jwksUrl,
  CALLER_JWKS_TIMEOUT_SECONDS: positiveInt(5),
  CALLER_CLOCK_SKEW_SECONDS: wholeNumber(60).pipe(z.number().max(300)),
  APP_SERVICE_AUTH_ENABLED: onOff,
  FUNCTION_KEY_ROLES: roleList(DEFAULT_FUNCTION_KEY_ROLES),
  CALLER_SCOPES: callerScopes,
  STEP_UP_AUTH_CONTEXT: optionalText.pipe(
    z
      .string()
      .regex(/^c([1-9]|[1-9]\d)$/, 'must be an authentication context id, c1 to c99')
      .optional(),
  ),
};

type CallerEnvironment = z.output<z.ZodObject<typeof CallerEnvironmentShape>>;

function checkCallerSettings(env: CallerEnvironment, ctx: z.RefinementCtx): void {
  if (env.CALLER_AUTH === 'entraToken') {
    for (const name of ['CALLER_TENANT_ID', 'CALLER_API_CLIENT_ID'] as const) {
      if (!env[name])
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required with CALLER_AUTH=entraToken' });
    }
  } else if (env.APP_SERVICE_AUTH_ENABLED) {
    ctx.addIssue({
      code: 'custom',
      path: ['APP_SERVICE_AUTH_ENABLED'],
      message: 'needs CALLER_AUTH=entraToken (App Service authentication checks Entra tokens)',
    });
  }
}

const CallerEnvironmentSchema = z.object(CallerEnvironmentShape).superRefine(checkCallerSettings);

export interface CallerSettings {
  mode: 'functionKey' | 'entraToken';
  /** Roles of the one caller a function key stands for. */
  functionKeyRoles: ReadonlySet<Role>;
  /** entraToken mode: what a bearer token must say, and where its signing keys are. */
  token: {
    tenantId: string;
    /** The API's client id and App ID URI: v2 tokens name the first, v1 tokens the second. */
    audiences: readonly string[];
    /** v1 and v2 issuers of the tenant (Microsoft identity platform access tokens). */
    issuers: readonly string[];
    jwksUrl: string;
    jwksTimeoutMs: number;
    clockSkewSeconds: number;
  };
  /** App Service authentication validated the token already and passes its principal on. */
  appServiceAuth: boolean;
  /** Callers limited to members of these administrative units or groups (lower-case ids). */
  scopes: ReadonlyMap<string, ReadonlySet<string>>;
  /** A delegated caller acting on a protected account must have satisfied this auth context. */
  stepUpAuthContext: string | undefined;
}

function toCallerSettings(env: CallerEnvironment): CallerSettings {
  const tenantId = (env.CALLER_TENANT_ID ?? '').toLowerCase();
  const clientId = (env.CALLER_API_CLIENT_ID ?? '').toLowerCase();
  return {
    mode: env.CALLER_AUTH,
    functionKeyRoles: new Set(env.FUNCTION_KEY_ROLES),
    token: {
      tenantId,
      audiences: [clientId, env.CALLER_API_APP_ID_URI ?? `api://${clientId}`],
      issuers: [`https://sts.windows.net/${tenantId}/`, `https://login.microsoftonline.com/${tenantId}/v2.0`],
      jwksUrl: env.CALLER_JWKS_URL ?? `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
      jwksTimeoutMs: env.CALLER_JWKS_TIMEOUT_SECONDS * 1000,
      clockSkewSeconds: env.CALLER_CLOCK_SKEW_SECONDS,
    },
    appServiceAuth: env.APP_SERVICE_AUTH_ENABLED,
    scopes: new Map(
      Object.entries(env.CALLER_SCOPES).map(([caller, ids]) => [
        caller.toLowerCase(),
        new Set(ids.map((id) => id.toLowerCase())),
      ]),
    ),
    stepUpAuthContext: env.STEP_UP_AUTH_CONTEXT,
  };
}

/**
 * Only the caller settings: every HTTP route authenticates before anything else, including routes
 * whose other dependencies are not built yet, and registrations need the mode at load time.
 */
export function loadCallerSettings(env: NodeJS.ProcessEnv = process.env): CallerSettings {
  return toCallerSettings(parseOrThrow(CallerEnvironmentSchema, env));
}

/** entraToken mode: the app checks every caller, so the host lets requests through unkeyed. */
export function httpAuthLevel(env: NodeJS.ProcessEnv = process.env): 'anonymous' | 'function' {
  return loadCallerSettings(env).mode === 'entraToken' ? 'anonymous' : 'function';
}

// --- end of callers ----------------------------------------------------------------------------

const EnvironmentSchema = z
  .object({
    ...CallerEnvironmentShape,
    GRAPH_BASE_URL: optionalText
      .pipe(httpsUrl.optional())
      .transform((value) => value ?? 'https://graph.microsoft.com'),
    GRAPH_CREDENTIAL: optionalText
      .pipe(z.enum(['managedIdentity', 'default']).optional())
      .transform((value) => value ?? 'managedIdentity'),
    AZURE_CLIENT_ID: optionalText.pipe(
      z.guid({ error: 'must be a GUID (client id of the user-assigned identity)' }).optional(),
    ),
    GRAPH_MAX_RETRIES: positiveInt(3),
    GRAPH_MAX_RETRY_WAIT_SECONDS: positiveInt(10),
    GRAPH_REQUEST_TIMEOUT_SECONDS: positiveInt(30),
    STORAGE_CONNECTION_STRING: optionalText,
    STORAGE_TABLE_ENDPOINT: optionalText.pipe(httpsUrl.optional()),
    STORAGE_QUEUE_ENDPOINT: optionalText.pipe(httpsUrl.optional()),
    RECOVERY_EVENTS_QUEUE: queueName('recovery-events'),
    LOCKOUT_EVENTS_QUEUE: queueName('lockout-events'),
    // Read by the host (`%DETECT_LOCKOUTS_SCHEDULE%`); validated here only for presence of a value.
    DETECT_LOCKOUTS_SCHEDULE: optionalText.transform((value) => value ?? '0 */5 * * * *'),
    DETECT_LOCKOUTS_ERROR_CODES: errorCodeList([500121]),
    DETECT_LOCKOUTS_LOOKBACK_MINUTES: positiveInt(135).pipe(
      z.number().min(120, 'must be at least 120 (MFA sign-ins take up to 2 h to appear)'),
    ),
    DETECT_LOCKOUTS_END_OFFSET_MINUTES: wholeNumber(2),
    DETECT_LOCKOUTS_BACKFILL_HOURS: positiveInt(24),
    DETECT_LOCKOUTS_RETENTION_DAYS: positiveInt(30).pipe(z.number().max(30)),
    DETECT_LOCKOUTS_LOCKOUT_THRESHOLD: positiveInt(3),
    DETECT_LOCKOUTS_ATTACK_THRESHOLD: positiveInt(1),
    DETECT_LOCKOUTS_RECENT_EVENTS: positiveInt(10).pipe(z.number().max(25)),
    DETECT_LOCKOUTS_TIME_BUDGET_SECONDS: positiveInt(240),
    // Registrations after a reset or TAP (docs/post-recovery-watch.md); 0 switches the watch off.
    POST_RECOVERY_WATCH_HOURS: wholeNumber(24).pipe(z.number().max(24 * 7)),
    POST_RECOVERY_BASELINE_DAYS: positiveInt(14).pipe(z.number().max(30)),
    // Registration readiness (docs/registration.md). Read by the host (`%SCAN_REGISTRATION_SCHEDULE%`).
    SCAN_REGISTRATION_SCHEDULE: optionalText.transform((value) => value ?? '0 30 2 * * *'),
    SCAN_REGISTRATION_TIME_BUDGET_SECONDS: positiveInt(480),
    REGISTRATION_SNAPSHOTS_KEPT: positiveInt(DEFAULT_SNAPSHOTS_KEPT),
    TELEPHONY_PROVIDER: optionalText
      .pipe(z.enum(['microsoft', 'custom']).optional())
      .transform((value) => value ?? 'microsoft'),
    // A day (UTC); Microsoft has moved such dates before, and tests pin it.
    TELEPHONY_RETIREMENT_DATE: optionalText
      .pipe(z.iso.date({ error: 'must be a date such as 2027-02-01' }).optional())
      .transform((value) => (value === undefined ? TELEPHONY_RETIREMENT : new Date(`${value}T00:00:00Z`))),
    // Reports API budget: Graph allows 5 per 10 s per app and tenant; 0 switches pacing off (bench).
    REPORTS_REQUESTS_PER_WINDOW: wholeNumber(4),
    REPORTS_WINDOW_SECONDS: positiveInt(10),
    BREAK_GLASS_OBJECT_IDS: guidList([]),
    PROTECTED_ROLE_TEMPLATE_IDS: guidList(DEFAULT_PROTECTED_ROLE_TEMPLATE_IDS),
    PROTECTED_GROUP_IDS: guidList([]),
    VERIFICATION_METHODS: nameList(DEFAULT_VERIFICATION_METHODS),
    ACTION_TIME_BUDGET_SECONDS: positiveInt(25),
    MFA_SUSPEND_MAX_MINUTES: positiveInt(240),
    TAP_POLICY_CACHE_SECONDS: positiveInt(60),
    // Two people for privileged targets (docs/approvals.md)
    APPROVAL_TTL_MINUTES: positiveInt(30).pipe(z.number().max(1440)),
    // --- Limits, the brake and the kill switch (docs/limits.md) ---
    RECOVERY_WRITES_ENABLED: flag(true),
    RECOVERY_LIMITS_ENABLED: flag(true),
    LIMIT_TAPS_PER_TARGET: positiveInt(3),
    LIMIT_RESETS_PER_TARGET: positiveInt(3),
    LIMIT_TARGET_WINDOW_HOURS: positiveInt(24),
    // Each counted call is a timestamp in one row: these maxima keep the rows far below 64 KiB.
    LIMIT_CALLER_CALLS_PER_HOUR: positiveInt(60).pipe(z.number().max(1000)),
    BRAKE_USERS: positiveInt(10).pipe(z.number().max(500)),
    BRAKE_WINDOW_MINUTES: positiveInt(10),
    // --- end of limits ---
    // Set by App Service when Application Insights is connected; unset, telemetry goes to the console.
    APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText,
  })
  .superRefine((env, ctx) => {
    checkCallerSettings(env, ctx);
    const storageSettings = [env.STORAGE_CONNECTION_STRING, env.STORAGE_TABLE_ENDPOINT].filter(
      Boolean,
    ).length;
    if (storageSettings !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORAGE_CONNECTION_STRING'],
        message:
          'set exactly one of STORAGE_CONNECTION_STRING (Azurite, connection string) or STORAGE_TABLE_ENDPOINT (managed identity)',
      });
    }
    if (env.STORAGE_TABLE_ENDPOINT && !env.STORAGE_QUEUE_ENDPOINT) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORAGE_QUEUE_ENDPOINT'],
        message: 'is required with STORAGE_TABLE_ENDPOINT (the recovery-events queue, same managed identity)',
      });
    }
  });

export interface Config {
  graph: {
    baseUrl: string;
    /** Host names the Graph client may send its token to besides Graph's own (the local simulator). */
    customHosts: Set<string>;
    maxRetries: number;
    maxRetryWaitSeconds: number;
    /** Bounds each Graph attempt and token request; an action's own deadline cuts it shorter. */
    requestTimeoutMs: number;
  };
  identity: { credential: 'managedIdentity' | 'default'; clientId: string | undefined };
  storage: { connectionString: string } | { tableEndpoint: string; queueEndpoint: string };
  queues: { recoveryEvents: string; lockoutEvents: string };
  detection: {
    schedule: string;
    errorCodes: readonly number[];
    lookBackMs: number;
    endOffsetMs: number;
    backfillMs: number;
    retentionMs: number;
    lockoutThreshold: number;
    attackThreshold: number;
    recentEvents: number;
    timeBudgetMs: number;
    /** How long after each reset or TAP new registrations are judged; 0 = off. */
    postRecoveryWatchMs: number;
    /** How far before a recovery the user's successful sign-ins set where they usually are. */
    postRecoveryBaselineMs: number;
  };
  registration: {
    schedule: string;
    timeBudgetMs: number;
    snapshotsKept: number;
    /** Who delivers SMS and voice calls: Microsoft's delivery ends on `telephonyRetirement`. */
    telephonyProvider: 'microsoft' | 'custom';
    /** When Microsoft-provided SMS and voice delivery ends (default 2027-02-01). */
    telephonyRetirement: Date;
  };
  /** Pacing of the sign-in (reports) API; `requestsPerWindow` 0 = off. */
  reports: { requestsPerWindow: number; windowMs: number };
  guard: {
    /** Object ids no route may ever act on. */
    breakGlassObjectIds: ReadonlySet<string>;
    protectedRoleTemplateIds: ReadonlySet<string>;
    /** Members (transitive) of these groups are protected too. */
    protectedGroupIds: ReadonlySet<string>;
    verificationMethods: ReadonlySet<string>;
  };
  actions: {
    timeBudgetMs: number;
    maxSuspendMinutes: number;
    tapPolicyCacheMs: number;
  };
  callers: CallerSettings;
  // Two people for privileged targets (docs/approvals.md)
  approvals: {
    /** How long a request waits for its approval and the approved request for its repeat. */
    ttlMs: number;
  };
  // --- Limits, the brake and the kill switch (docs/limits.md) ---
  limits: {
    /** RECOVERY_WRITES_ENABLED: false refuses every mutating call whatever the stored switch says. */
    writesEnabled: boolean;
    /** Per-target and per-caller limits and the brake; false only for benchmarks and load tests. */
    enabled: boolean;
    tapsPerTarget: number;
    resetsPerTarget: number;
    targetWindowMs: number;
    callerCallsPerWindow: number;
    callerWindowMs: number;
    brakeUsers: number;
    brakeWindowMs: number;
  };
  // --- end of limits ---
  /** Application Insights (docs/telemetry.md). */
  telemetry: { connectionString: string | undefined };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates every setting once; throws one message naming each bad setting. */
function parseOrThrow<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const settings = parseOrThrow(EnvironmentSchema, env);
  const graphBaseUrl = settings.GRAPH_BASE_URL.replace(/\/+$/, '');
  const graphHost = new URL(graphBaseUrl).hostname;
  return {
    graph: {
      baseUrl: graphBaseUrl,
      customHosts: GRAPH_HOSTS.has(graphHost) ? new Set() : new Set([graphHost]),
      maxRetries: settings.GRAPH_MAX_RETRIES,
      maxRetryWaitSeconds: settings.GRAPH_MAX_RETRY_WAIT_SECONDS,
      requestTimeoutMs: settings.GRAPH_REQUEST_TIMEOUT_SECONDS * 1000,
    },
    identity: { credential: settings.GRAPH_CREDENTIAL, clientId: settings.AZURE_CLIENT_ID },
    storage: settings.STORAGE_CONNECTION_STRING
      ? { connectionString: settings.STORAGE_CONNECTION_STRING }
      : {
          tableEndpoint: settings.STORAGE_TABLE_ENDPOINT ?? '',
          queueEndpoint: settings.STORAGE_QUEUE_ENDPOINT ?? '',
        },
    queues: { recoveryEvents: settings.RECOVERY_EVENTS_QUEUE, lockoutEvents: settings.LOCKOUT_EVENTS_QUEUE },
    detection: {
      schedule: settings.DETECT_LOCKOUTS_SCHEDULE,
      errorCodes: settings.DETECT_LOCKOUTS_ERROR_CODES,
      lookBackMs: settings.DETECT_LOCKOUTS_LOOKBACK_MINUTES * 60_000,
      endOffsetMs: settings.DETECT_LOCKOUTS_END_OFFSET_MINUTES * 60_000,
      backfillMs: settings.DETECT_LOCKOUTS_BACKFILL_HOURS * 3_600_000,
      retentionMs: settings.DETECT_LOCKOUTS_RETENTION_DAYS * 86_400_000,
      lockoutThreshold: settings.DETECT_LOCKOUTS_LOCKOUT_THRESHOLD,
      attackThreshold: settings.DETECT_LOCKOUTS_ATTACK_THRESHOLD,
      recentEvents: settings.DETECT_LOCKOUTS_RECENT_EVENTS,
      timeBudgetMs: settings.DETECT_LOCKOUTS_TIME_BUDGET_SECONDS * 1000,
      postRecoveryWatchMs: settings.POST_RECOVERY_WATCH_HOURS * 3_600_000,
      postRecoveryBaselineMs: settings.POST_RECOVERY_BASELINE_DAYS * 86_400_000,
    },
    registration: {
      schedule: settings.SCAN_REGISTRATION_SCHEDULE,
      timeBudgetMs: settings.SCAN_REGISTRATION_TIME_BUDGET_SECONDS * 1000,
      snapshotsKept: settings.REGISTRATION_SNAPSHOTS_KEPT,
      telephonyProvider: settings.TELEPHONY_PROVIDER,
      telephonyRetirement: settings.TELEPHONY_RETIREMENT_DATE,
    },
    reports: {
      requestsPerWindow: settings.REPORTS_REQUESTS_PER_WINDOW,
      windowMs: settings.REPORTS_WINDOW_SECONDS * 1000,
    },
    guard: {
      breakGlassObjectIds: new Set(settings.BREAK_GLASS_OBJECT_IDS),
      protectedRoleTemplateIds: new Set(settings.PROTECTED_ROLE_TEMPLATE_IDS),
      protectedGroupIds: new Set(settings.PROTECTED_GROUP_IDS),
      verificationMethods: new Set(settings.VERIFICATION_METHODS),
    },
    actions: {
      timeBudgetMs: settings.ACTION_TIME_BUDGET_SECONDS * 1000,
      maxSuspendMinutes: settings.MFA_SUSPEND_MAX_MINUTES,
      tapPolicyCacheMs: settings.TAP_POLICY_CACHE_SECONDS * 1000,
    },
    callers: toCallerSettings(settings),
    // Two people for privileged targets (docs/approvals.md)
    approvals: { ttlMs: settings.APPROVAL_TTL_MINUTES * 60_000 },
    // --- Limits, the brake and the kill switch (docs/limits.md) ---
    limits: {
      writesEnabled: settings.RECOVERY_WRITES_ENABLED,
      enabled: settings.RECOVERY_LIMITS_ENABLED,
      tapsPerTarget: settings.LIMIT_TAPS_PER_TARGET,
      resetsPerTarget: settings.LIMIT_RESETS_PER_TARGET,
      targetWindowMs: settings.LIMIT_TARGET_WINDOW_HOURS * 3_600_000,
      callerCallsPerWindow: settings.LIMIT_CALLER_CALLS_PER_HOUR,
      callerWindowMs: 3_600_000,
      brakeUsers: settings.BRAKE_USERS,
      brakeWindowMs: settings.BRAKE_WINDOW_MINUTES * 60_000,
    },
    // --- end of limits ---
    telemetry: { connectionString: settings.APPLICATIONINSIGHTS_CONNECTION_STRING },
  };
}

/**
 * The guard settings a tenant must fill in itself: empty is valid (not every tenant has protected
 * groups) but rarely meant, so the app says so once at start rather than failing.
 */
export function unsetGuardSettingsWarning(guard: Config['guard']): string | undefined {
  const unset = [
    ...(guard.breakGlassObjectIds.size === 0
      ? ['BREAK_GLASS_OBJECT_IDS (no break-glass account is shielded from recovery actions)']
      : []),
    ...(guard.protectedGroupIds.size === 0
      ? ['PROTECTED_GROUP_IDS (only protected directory roles are refused; no group protects its members)']
      : []),
  ];
  if (unset.length === 0) return undefined;
  return `mfa-recovery: WARNING guard settings are empty: ${unset.join('; ')}. Set them to your tenant's object ids unless that is intended.`;
}

import { z } from 'zod';

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

const EnvironmentSchema = z
  .object({
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
    STORAGE_CONNECTION_STRING: optionalText,
    STORAGE_TABLE_ENDPOINT: optionalText.pipe(httpsUrl.optional()),
  })
  .superRefine((env, ctx) => {
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
  });

export interface Config {
  graph: {
    baseUrl: string;
    /** Host names the Graph client may send its token to besides Graph's own (the local simulator). */
    customHosts: Set<string>;
    maxRetries: number;
    maxRetryWaitSeconds: number;
  };
  identity: { credential: 'managedIdentity' | 'default'; clientId: string | undefined };
  storage: { connectionString: string } | { tableEndpoint: string };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates every setting once; throws one message naming each bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const settings = parsed.data;
  const graphBaseUrl = settings.GRAPH_BASE_URL.replace(/\/+$/, '');
  const graphHost = new URL(graphBaseUrl).hostname;
  return {
    graph: {
      baseUrl: graphBaseUrl,
      customHosts: GRAPH_HOSTS.has(graphHost) ? new Set() : new Set([graphHost]),
      maxRetries: settings.GRAPH_MAX_RETRIES,
      maxRetryWaitSeconds: settings.GRAPH_MAX_RETRY_WAIT_SECONDS,
    },
    identity: { credential: settings.GRAPH_CREDENTIAL, clientId: settings.AZURE_CLIENT_ID },
    storage: settings.STORAGE_CONNECTION_STRING
      ? { connectionString: settings.STORAGE_CONNECTION_STRING }
      : { tableEndpoint: settings.STORAGE_TABLE_ENDPOINT ?? '' },
  };
}

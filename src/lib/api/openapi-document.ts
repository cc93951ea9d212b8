import { OpenApiGeneratorV31, OpenAPIRegistry, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

import { CORRELATION_HEADER, SAFE_CORRELATION_ID } from '../http/correlation';
import { type ProblemCode, PROBLEMS } from '../http/problem';
import { IDEMPOTENCY_KEY } from '../recovery/action-request';
import { type ApiSecurity, FUNCTION_KEY_HEADER, securitySchemeName, tokenUrl } from './api-security';
import { ALWAYS, CALLER_ERRORS } from './error-codes';
import { API_OPERATIONS, type ApiOperation, type ApiResponse } from './operations';
import { DocumentedApprovalId, pathParametersOf } from './path-parameters';
import { ActionResultSchema, ProblemSchema } from './response-schemas';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export const API_TITLE = 'MFA Recovery';
export const API_VERSION = '0.1.0';
export const API_DESCRIPTION =
  'Gets people locked out of Microsoft Entra ID MFA back in: read methods, reset, issue a Temporary Access Pass, with guards, approvals and an audit trail.';

/** Functions route `users/{user}/tap` → OpenAPI path `/users/{user}/tap` below the server's `/api`. */
export const openApiPath = (route: string) => `/${route}`;

const IdempotencyKeySchema = z
  .string()
  .regex(IDEMPOTENCY_KEY)
  .describe('Makes a retry safe: the same key and body replays the first answer (e.g. the ticket number).');
const ApprovalIdHeaderSchema = DocumentedApprovalId.describe(
  'The approval a second person gave, when repeating a request that answered 202.',
);
const CorrelationIdSchema = z
  .string()
  .regex(SAFE_CORRELATION_ID)
  .describe('Joins this request to logs and the audit; echoed back, generated when absent.');

const isPublic = (operation: ApiOperation) => operation.access === 'public';

/** Everything an operation might answer with a problem, including what every handler can answer. */
export function errorCodesOf(operation: ApiOperation): ProblemCode[] {
  const declared = operation.errors ?? (isPublic(operation) ? [] : CALLER_ERRORS);
  return [...new Set([...declared, ...ALWAYS])];
}

/** What a page or a page's file is served as (src/lib/api/page-assets.ts). */
const PAGE_MEDIA_TYPES = {
  html: ['text/html'],
  file: ['text/javascript', 'text/css', 'image/png'],
} as const;

const PAGE_ANSWERS = {
  html: { status: 200, description: 'The page.', schema: z.string() },
  file: { status: 200, description: 'The file.', schema: z.string() },
} as const satisfies Record<string, ApiResponse>;

/** The media types of an operation's success answers: JSON, unless it serves a page or a file. */
export const successMediaTypesOf = (operation: ApiOperation): readonly string[] =>
  operation.page ? PAGE_MEDIA_TYPES[operation.page] : ['application/json'];

export const successResponsesOf = (operation: ApiOperation): readonly ApiResponse[] =>
  operation.responses ??
  (operation.page
    ? [PAGE_ANSWERS[operation.page]]
    : [{ status: 200, description: 'Success.', schema: ActionResultSchema }]);

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function describeAccess(access: ApiOperation['access']): string {
  if (access === 'public') return 'Public: no credential.';
  if (access === 'caller') return 'Any authenticated caller; the role needed depends on what it touches.';
  const roles = typeof access === 'string' ? [access] : access;
  return `Needs the app role${roles.length > 1 ? 's' : ''} ${roles.join(' and ')}.`;
}

export const operationDescription = (operation: ApiOperation) =>
  `${sentence(operation.description ?? operation.summary)} ${describeAccess(operation.access)}`;

export function problemExample(code: ProblemCode) {
  const { status, title } = PROBLEMS[code];
  return {
    type: `urn:mfa-recovery:problem:${code}`,
    title,
    status,
    detail: `${title}.`,
    code,
    correlationId: 'INC0042',
  };
}

/** The error answers grouped by status; each names its codes and shows one example per code. */
function errorResponses(operation: ApiOperation, problem: z.ZodType): Record<string, ResponseConfig> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of errorCodesOf(operation)) {
    const status = PROBLEMS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: codes.map((code) => `\`${code}\`: ${PROBLEMS[code].title}.`).join(' '),
        headers: responseHeaders(status),
        content: {
          'application/problem+json': {
            schema: problem,
            examples: Object.fromEntries(codes.map((code) => [code, { value: problemExample(code) }])),
          },
        },
      },
    ]),
  );
}

function responseHeaders(status: number) {
  return z.object({
    [CORRELATION_HEADER]: z.string().describe('The correlation id of the request.'),
    ...(status === 429 || status === 503
      ? { 'retry-after': z.string().optional().describe('Seconds to wait before a retry.') }
      : {}),
  });
}

function securityScheme(security: ApiSecurity) {
  if (security.mode === 'functionKey') {
    return {
      type: 'apiKey' as const,
      in: 'header' as const,
      name: FUNCTION_KEY_HEADER,
      description:
        'A function key of the app; it stands for one caller with the roles FUNCTION_KEY_ROLES names.',
    };
  }
  return {
    type: 'http' as const,
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: `An Entra access token for ${security.appIdUri}, from ${tokenUrl(security.tenantId)} with the scope ${security.appIdUri}/.default; its roles claim holds the caller's app roles.`,
  };
}

/** The OpenAPI 3.1 description of every operation in the catalogue, for the configured caller mode. */
export function buildOpenApiDocument(security: ApiSecurity = { mode: 'functionKey' }): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  const schemeName = securitySchemeName(security);
  registry.registerComponent('securitySchemes', schemeName, securityScheme(security));
  // A meta id makes the generator emit the schema once, as a component every error answer refers to.
  const problem = ProblemSchema.meta({ id: 'Problem' });
  for (const operation of API_OPERATIONS) {
    const headers = operation.headers ?? [];
    const params = pathParametersOf(operation.route);
    registry.registerPath({
      method: operation.method.toLowerCase() as Lowercase<typeof operation.method>,
      path: openApiPath(operation.route),
      operationId: operation.operationId,
      summary: operation.summary,
      description: operationDescription(operation),
      security: isPublic(operation) ? [] : [{ [schemeName]: [] }],
      request: {
        ...(params ? { params } : {}),
        ...(operation.query ? { query: operation.query as z.ZodObject } : {}),
        headers: z.object({
          ...(headers.includes('Idempotency-Key') ? { 'Idempotency-Key': IdempotencyKeySchema } : {}),
          ...(headers.includes('Approval-Id') ? { 'Approval-Id': ApprovalIdHeaderSchema.optional() } : {}),
          [CORRELATION_HEADER]: CorrelationIdSchema.optional(),
        }),
        ...(operation.body
          ? {
              body: {
                required: true,
                content: {
                  'application/json': {
                    schema: operation.body,
                    ...(operation.example === undefined ? {} : { example: operation.example }),
                  },
                },
              },
            }
          : {}),
      },
      responses: {
        ...Object.fromEntries(
          successResponsesOf(operation).map((response) => [
            String(response.status),
            {
              description: response.description,
              headers: responseHeaders(response.status),
              content: Object.fromEntries(
                successMediaTypesOf(operation).map((mediaType) => [mediaType, { schema: response.schema }]),
              ),
            },
          ]),
        ),
        ...errorResponses(operation, problem),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description: API_DESCRIPTION,
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    servers: [{ url: '/api' }],
  });
}

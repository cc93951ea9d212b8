import type { AccessTokenClaims } from '../identity';
import { documentedTemplates, isDocumented } from './documented-operations';
import type { GraphRequest, GraphResponse, HandlerResult } from './messages';
import { graphSpec, type GraphVersion } from './openapi-spec';
import type { PathSegment } from './path';
import type { Tenant } from './tenant';

export interface RouteContext {
  request: GraphRequest;
  version: GraphVersion;
  /** Path parameters by template name, e.g. `user-id`. */
  params: Record<string, PathSegment>;
  claims: AccessTokenClaims;
  tenant: Tenant;
  /** Runs another request through the whole pipeline (used by `$batch`). */
  dispatch(request: GraphRequest): Promise<GraphResponse>;
}

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The OpenAPI path template without the version, e.g. `/users/{user-id}`. */
  template: string;
  versions: readonly GraphVersion[];
  /**
   * For operations the OpenAPI subsets list no application permissions for: the permissions to
   * require, or `anyValidToken` (JSON batching checks each step instead).
   */
  permissions?: readonly string[] | 'anyValidToken';
  /**
   * For directory (identity and access) resources: the base cost Graph reports in
   * `x-ms-resource-unit` (resource-units.ts). Other routes send no such header.
   */
  resourceUnits?: number;
  /** The route reads its body against its own rules, not the OpenAPI request schema ($batch). */
  ownBodySchema?: true;
  handle(context: RouteContext): HandlerResult | Promise<HandlerResult>;
}

/** A route as served for one version, with the permissions checked before its handler runs. */
export interface CompiledRoute {
  definition: RouteDefinition;
  version: GraphVersion;
  /** e.g. `GET /users/{user-id}` */
  key: string;
  segments: readonly string[];
  permissions: readonly string[] | 'anyValidToken';
}

/** What the simulator serves, for docs and for the conformance test's coverage check. */
export interface RouteInfo {
  method: string;
  version: GraphVersion;
  template: string;
  inOpenApiSubset: boolean;
}

export type Resolution =
  | { kind: 'route'; route: CompiledRoute; params: Record<string, PathSegment> }
  | { kind: 'methodNotAllowed' }
  | { kind: 'notImplemented'; method: string; template: string }
  | { kind: 'unknownSegment'; segment: string };

function templateSegments(template: string): string[] {
  return template.split('/').filter((part) => part !== '');
}

const isParameter = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

/** Number of leading request segments a template accepts. */
function prefixMatch(template: readonly string[], segments: readonly PathSegment[]): number {
  let matched = 0;
  while (matched < template.length && matched < segments.length) {
    const expected = template[matched] ?? '';
    const actual = segments[matched];
    if (actual === undefined) break;
    const accepts = isParameter(expected)
      ? true
      : actual.form === 'segment' && expected.toLowerCase() === actual.value.toLowerCase();
    if (!accepts) break;
    matched += 1;
  }
  return matched;
}

const literalCount = (template: readonly string[]) =>
  template.filter((segment) => !isParameter(segment)).length;

export class Router {
  private readonly routes: CompiledRoute[] = [];

  constructor(definitions: readonly RouteDefinition[]) {
    for (const definition of definitions) {
      for (const version of definition.versions) {
        const permissions =
          definition.permissions ??
          graphSpec(version).applicationPermissions(definition.method, definition.template);
        if (permissions === undefined) {
          throw new Error(
            `${definition.method} ${definition.template} (${version}): the OpenAPI subset lists no application permissions; declare them on the route`,
          );
        }
        this.routes.push({
          definition,
          version,
          key: `${definition.method} ${definition.template}`,
          segments: templateSegments(definition.template),
          permissions,
        });
      }
    }
  }

  list(): RouteInfo[] {
    return this.routes.map((route) => ({
      method: route.definition.method,
      version: route.version,
      template: route.definition.template,
      inOpenApiSubset: graphSpec(route.version).hasOperation(
        route.definition.method,
        route.definition.template,
      ),
    }));
  }

  /** Whether beta serves or documents `method` on this path. */
  private servesInBeta(method: string, segments: readonly PathSegment[]): boolean {
    const matches = (template: readonly string[]) =>
      template.length === segments.length && prefixMatch(template, segments) === segments.length;
    const spec = graphSpec('beta');
    return (
      this.routes.some(
        (route) => route.version === 'beta' && route.definition.method === method && matches(route.segments),
      ) ||
      spec
        .pathTemplates()
        .some((template) => matches(templateSegments(template)) && spec.hasOperation(method, template))
    );
  }

  resolve(version: GraphVersion, method: string, segments: readonly PathSegment[]): Resolution {
    const served = this.routes.filter((route) => route.version === version);
    const full = served
      .filter(
        (route) =>
          route.segments.length === segments.length &&
          prefixMatch(route.segments, segments) === segments.length,
      )
      .sort((a, b) => literalCount(b.segments) - literalCount(a.segments));
    const match = full.find((route) => route.definition.method === method);
    if (match !== undefined) {
      const params: Record<string, PathSegment> = {};
      match.segments.forEach((segment, i) => {
        const value = segments[i];
        if (isParameter(segment) && value !== undefined) params[segment.slice(1, -1)] = value;
      });
      return { kind: 'route', route: match, params };
    }

    // Paths Microsoft documents (the OpenAPI subsets, documented-operations.ts) but the simulator doesn't serve yet.
    const documented = documentedTemplates(version)
      .map(templateSegments)
      .filter(
        (template) =>
          template.length === segments.length && prefixMatch(template, segments) === segments.length,
      )
      .sort((a, b) => literalCount(b) - literalCount(a))[0];
    if (documented !== undefined) {
      const template = `/${documented.join('/')}`;
      if (isDocumented(version, method, template)) return { kind: 'notImplemented', method, template };
      return { kind: 'methodNotAllowed' };
    }
    if (full.length > 0) return { kind: 'methodNotAllowed' };
    if (version === 'v1.0' && method !== 'GET' && this.servesInBeta(method, segments)) {
      // [doc] json-batching: a beta-only action called through v1.0 answers 405. Reads of a
      // beta-only path keep the unknown-segment 400 below (inferred: the doc shows a POST).
      return { kind: 'methodNotAllowed' };
    }

    const known = [
      ...served.map((route) => route.segments),
      ...documentedTemplates(version).map(templateSegments),
    ];
    const longest = Math.max(0, ...known.map((template) => prefixMatch(template, segments)));
    const unknown = segments[longest];
    if (unknown === undefined) {
      // Every segment is a prefix of something Graph serves (e.g. GET /users): real, but not simulated.
      return { kind: 'notImplemented', method, template: `/${segments.map((s) => s.value).join('/')}` };
    }
    return { kind: 'unknownSegment', segment: unknown.value };
  }
}

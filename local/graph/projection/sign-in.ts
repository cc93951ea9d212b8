import { graphSpec, type GraphVersion } from '../openapi-spec';
import type { SignInSeed } from '../seed-schema';

// A stored sign-in event (beta's shape, the superset) as each version's signIn resource shows it.

/**
 * Beta properties the subset leaves untyped (`x-ms-prod-beta-only`) that the beta signIn resource
 * page documents as collections, so `[]` rather than null when absent [doc beta resource].
 */
const UNTYPED_COLLECTIONS = new Set([
  'appliedEventListeners',
  'authenticationContextClassReferences',
  'sessionLifetimePolicies',
]);

/** Per version: the signIn properties in Graph's order, and which are collections (null vs []). */
const shapes = new Map<
  GraphVersion,
  { names: string[]; lower: Map<string, string>; collections: Set<string> }
>();
function shapeOf(version: GraphVersion) {
  let shape = shapes.get(version);
  if (shape === undefined) {
    const properties = graphSpec(version).structuralProperties('signIn');
    shape = {
      names: [...properties.values()].map((property) => property.name),
      lower: new Map([...properties].map(([lower, property]) => [lower, property.name])),
      collections: new Set(
        [...properties.values()]
          .filter((p) => p.isCollection || UNTYPED_COLLECTIONS.has(p.name))
          .map((p) => p.name),
      ),
    };
    shapes.set(version, shape);
  }
  return shape;
}

/**
 * Values for properties an event doesn't carry: null, [] for collections, and "" for the
 * non-nullable strings (beta servicePrincipalId; "" for a user sign-in is inferred).
 */
const NON_NULLABLE_DEFAULTS: Record<string, unknown> = { servicePrincipalId: '', userId: '' };

/** Shown as `hidden` to tenants without Entra ID P2 [doc signIn resource, v1.0 and beta]. */
const P2_RISK_DETAILS = new Set(['riskDetail', 'riskLevelAggregated', 'riskLevelDuringSignIn']);

/**
 * Complex signIn properties and their types. Each version shows its own type's properties, the
 * missing ones null: v1.0's appliedConditionalAccessPolicy and deviceDetail lack beta's
 * conditionsSatisfied, browserId and others [schema].
 */
const COMPLEX_TYPES: Record<string, string> = {
  appliedConditionalAccessPolicies: 'appliedConditionalAccessPolicy',
  authenticationDetails: 'authenticationDetail',
  authenticationAppDeviceDetails: 'authenticationAppDeviceDetails',
  deviceDetail: 'deviceDetail',
  location: 'signInLocation',
  status: 'signInStatus',
};

const complexShapes = new Map<string, { name: string; isCollection: boolean }[]>();
function complexShape(version: GraphVersion, type: string) {
  const key = `${version}|${type}`;
  let shape = complexShapes.get(key);
  if (shape === undefined) {
    shape = [...graphSpec(version).structuralProperties(type).values()];
    complexShapes.set(key, shape);
  }
  return shape;
}

function projectComplex(value: unknown, type: string, version: GraphVersion): unknown {
  if (Array.isArray(value)) return value.map((item) => projectComplex(item, type, version));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const { name, isCollection } of complexShape(version, type)) {
    const inner = (value as Record<string, unknown>)[name];
    out[name] = inner !== undefined ? inner : isCollection ? [] : null;
  }
  return out;
}

/** A signIn property's name as the version spells it, from any casing; undefined if it has none. */
export function signInPropertyName(version: GraphVersion, name: string): string | undefined {
  return shapeOf(version).lower.get(name.toLowerCase());
}

/**
 * Application permissions that show appliedConditionalAccessPolicies; without one the property is
 * omitted ([doc] signin-list / signin-get, "Viewing applied conditional access (CA) policies").
 */
export const CONDITIONAL_ACCESS_READ_PERMISSIONS: readonly string[] = [
  'Policy.Read.All',
  'Policy.Read.ConditionalAccess',
  'Policy.ReadWrite.ConditionalAccess',
];

export interface SignInView {
  /** `$select`ed properties, else all of the version's. */
  select?: readonly string[];
  /** Whether the tenant has Entra ID P2 (else the P2 risk details read `hidden`). */
  hasP2: boolean;
  /** Whether the caller may read conditional access data (else no appliedConditionalAccessPolicies). */
  readsConditionalAccess: boolean;
}

/**
 * The event as the version shows it to this caller: its properties and those of its complex values
 * (missing ones defaulted), no simulator fields.
 */
export function projectSignIn(
  event: SignInSeed,
  version: GraphVersion,
  { select, hasP2, readsConditionalAccess }: SignInView,
): Record<string, unknown> {
  const shape = shapeOf(version);
  const out: Record<string, unknown> = {};
  for (const name of select ?? shape.names) {
    if (name === 'appliedConditionalAccessPolicies' && !readsConditionalAccess) continue;
    const value = !hasP2 && P2_RISK_DETAILS.has(name) ? 'hidden' : (event as Record<string, unknown>)[name];
    const type = COMPLEX_TYPES[name];
    out[name] =
      value !== undefined
        ? type === undefined
          ? value
          : projectComplex(value, type, version)
        : name in NON_NULLABLE_DEFAULTS
          ? NON_NULLABLE_DEFAULTS[name]
          : shape.collections.has(name)
            ? []
            : null;
  }
  return out;
}

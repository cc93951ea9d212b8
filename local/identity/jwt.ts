import { createSign, createVerify } from 'node:crypto';

/** The claims every Entra access token carries: audience, issuer, lifetime, tenant and subject. */
interface EntraTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  sub: string;
}

/** Claims of an Entra app-only access token issued to a managed identity (v1.0 token format). */
export interface AccessTokenClaims extends EntraTokenClaims {
  appid: string;
  /** v2.0 tokens name the client `azp`; both are present so either kind of reader works. */
  azp: string;
  appidacr: string;
  idp: string;
  idtyp: 'app';
  ver: '1.0';
  /** Absent when the identity holds no app role, as in Entra. */
  roles?: string[];
  uti: string;
}

export interface JwtHeader {
  alg: 'RS256';
  typ: 'JWT';
  kid: string;
}

/** Claims of an Entra access token for the app's own API (docs/callers.md), user or application. */
export interface CallerTokenClaims extends EntraTokenClaims {
  /** v1.0 names the client application `appid`, v2.0 `azp`. */
  appid?: string;
  azp?: string;
  /** Delegated (user) tokens only. */
  scp?: string;
  name?: string;
  roles?: string[];
  /** Conditional Access authentication contexts the sign-in satisfied. */
  acrs?: string[];
  ver: '1.0' | '2.0';
  uti: string;
}

export type VerifyFailure = 'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'wrong_audience';

export type VerifyResult = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: VerifyFailure };

export interface VerifyOptions {
  /** Accepted `aud` values; any when omitted. */
  audiences?: readonly string[];
  nowSeconds?: number;
  /** Tolerance for clock differences, as token validators allow (5 minutes by default). */
  clockSkewSeconds?: number;
}

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

export function signJwt(
  header: JwtHeader,
  claims: AccessTokenClaims | CallerTokenClaims,
  privateKeyPem: string,
): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKeyPem);
  return `${signingInput}.${base64url(signature)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function hasClaimShape(payload: Record<string, unknown>): boolean {
  return (
    typeof payload.aud === 'string' &&
    typeof payload.exp === 'number' &&
    typeof payload.nbf === 'number' &&
    typeof payload.tid === 'string' &&
    (payload.roles === undefined ||
      (Array.isArray(payload.roles) && payload.roles.every((r) => typeof r === 'string')))
  );
}

/** Checks an RS256 token's signature, lifetime and audience against the issuer's public key. */
export function verifyAccessToken(
  token: string,
  publicKeyPem: string,
  options: VerifyOptions = {},
): VerifyResult {
  const parts = token.split('.');
  const [headerPart, payloadPart, signaturePart] = parts;
  if (
    parts.length !== 3 ||
    headerPart === undefined ||
    payloadPart === undefined ||
    signaturePart === undefined
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const header = parseSegment(headerPart);
  const payload = parseSegment(payloadPart);
  if (header?.alg !== 'RS256' || payload === undefined || !hasClaimShape(payload)) {
    return { ok: false, reason: 'malformed' };
  }
  const signatureValid = createVerify('RSA-SHA256')
    .update(`${headerPart}.${payloadPart}`)
    .verify(publicKeyPem, Buffer.from(signaturePart, 'base64url'));
  if (!signatureValid) return { ok: false, reason: 'bad_signature' };

  // hasClaimShape checked the fields this cast relies on; the signature proves the issuer wrote them.
  const claims = payload as unknown as AccessTokenClaims;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const skew = options.clockSkewSeconds ?? 300;
  if (claims.exp + skew <= now) return { ok: false, reason: 'expired' };
  if (claims.nbf - skew > now) return { ok: false, reason: 'not_yet_valid' };
  if (options.audiences !== undefined && !options.audiences.includes(claims.aud)) {
    return { ok: false, reason: 'wrong_audience' };
  }
  return { ok: true, claims };
}

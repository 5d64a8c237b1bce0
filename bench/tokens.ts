import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** The API's issuer and audience (src/config/app-config.ts); the token must pass its checks. */
const ISSUER = 'family-therapy-api';
const AUDIENCE = 'family-therapy-api';
/** ACCESS_TOKEN_TTL_SECONDS's maximum, which the benchmark sets; tokens are signed per round. */
export const TOKEN_TTL_SECONDS = 3600;

export interface BenchStaff {
  id: string;
  practiceId: string;
  role: string;
  /** The staff row's `token_version`, which the revocation check compares. */
  tokenVersion: number;
}

export interface AccessClaims {
  sub: string;
  pid: string;
  role: string;
  typ: string;
  sid: string;
  ver: number;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * An access token as the API issues it at sign-in (HS256, the same claims), signed here with the
 * JWT_SECRET the benchmark gives the API, so that hundreds of clinicians need no login (which is
 * rate limited per IP and hashes a password). Its session (`sid`) has no refresh-token row, which
 * the revocation check reads as "not revoked", exactly as for a fresh sign-in.
 */
export function signAccessToken(staff: BenchStaff, secret: string, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const claims: AccessClaims = {
    sub: staff.id,
    pid: staff.practiceId,
    role: staff.role,
    typ: 'access',
    sid: randomUUID(),
    ver: staff.tokenVersion,
    iat,
    exp: iat + TOKEN_TTL_SECONDS,
    iss: ISSUER,
    aud: AUDIENCE,
  };
  const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/**
 * The floor server's verification of the same token: signature, algorithm, issuer, audience,
 * expiry and type. Undefined for anything else.
 */
export function verifyAccessToken(
  token: string,
  secret: Buffer,
  now = Date.now(),
): AccessClaims | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return undefined;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as AccessClaims;
    const seconds = now / 1000;
    const good =
      alg === 'HS256' &&
      claims.iss === ISSUER &&
      claims.aud === AUDIENCE &&
      claims.typ === 'access' &&
      typeof claims.exp === 'number' &&
      claims.exp > seconds &&
      typeof claims.sub === 'string' &&
      typeof claims.pid === 'string';
    return good ? claims : undefined;
  } catch {
    return undefined;
  }
}

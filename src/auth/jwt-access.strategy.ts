import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { STAFF_ROLES, type StaffActor, type StaffRole } from '../common/actor/actor';
import { AppConfig } from '../config/app-config';
import { UnauthenticatedProblem } from './auth-errors';
import { bearerToken } from './bearer-token';
import { SessionRevocations } from './session-revocations';

export const JWT_ALGORITHM = 'HS256';
export const JWT_STRATEGY = 'jwt';

/** The claims of an access token, as {@link TokenService} signs them. */
export interface AccessClaims {
  sub: string;
  pid: string;
  role: StaffRole;
  typ: 'access';
  /** The refresh-token family (the session) this token belongs to. */
  sid: string;
  /** The staff member's `token_version` when it was issued. */
  ver: number;
}

/** What the signature covers besides our claims; the library fills these in when signing. */
interface RegisteredClaims {
  iat: number;
  exp: number;
}

/** Clocks of replicas may differ a little; a token from further in the future was not ours. */
const CLOCK_SKEW_SECONDS = 30;

/**
 * The JWT secret as a key object, made once at start: given the secret as a string, the JWT
 * library first tries to parse it as a public key on every call, which OpenSSL 3 makes slow (most
 * of a read's CPU). Signing and verifying each hold one.
 */
export function jwtSecretKey(config: AppConfig): KeyObject {
  return createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));
}

/**
 * Staff access tokens: HS256 JWTs whose algorithm, issuer, audience, expiry and type are all
 * checked, and whose session must still stand (a logout, a password change, a role change, a
 * deactivation or a reused refresh token ends it on the next request). Any defect at all answers
 * the same 401, never 500.
 */
@Injectable()
export class JwtAccessStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  private readonly maxLifetimeSeconds: number;

  constructor(
    config: AppConfig,
    private readonly revocations: SessionRevocations,
  ) {
    super({
      jwtFromRequest: bearerToken,
      // The typings predate key objects; jsonwebtoken 9, which verifies for passport-jwt, takes one.
      secretOrKey: jwtSecretKey(config) as unknown as string,
      algorithms: [JWT_ALGORITHM],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ignoreExpiration: false,
    });
    this.maxLifetimeSeconds = config.auth.accessTokenTtlSeconds;
  }

  async validate(claims: Partial<AccessClaims & RegisteredClaims>): Promise<StaffActor> {
    const { sub, pid, role, typ, iat, exp, sid, ver } = claims;
    // The library checks `exp` only when present and `iat` never: a token re-signed without an
    // expiry, or with one further out than the API ever issues, would otherwise live for ever.
    const now = Date.now() / 1000;
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      iat > now + CLOCK_SKEW_SECONDS ||
      exp - iat > this.maxLifetimeSeconds ||
      typ !== 'access' ||
      typeof sub !== 'string' ||
      typeof pid !== 'string' ||
      typeof sid !== 'string' ||
      !Number.isInteger(ver) ||
      !STAFF_ROLES.includes(role as StaffRole)
    ) {
      throw new UnauthenticatedProblem('The access token is invalid or expired.');
    }
    const current = await this.revocations.isCurrent({
      staffId: sub,
      practiceId: pid,
      sessionId: sid,
      tokenVersion: ver as number,
    });
    if (!current) throw new UnauthenticatedProblem('The access token is invalid or expired.');
    return { kind: 'staff', id: sub, practiceId: pid, role: role as StaffRole };
  }
}

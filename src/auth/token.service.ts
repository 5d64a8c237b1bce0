import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AppConfig } from '../config/app-config';
import { STAFF_ROLES, type StaffActor, type StaffRole } from '../common/actor/actor';
import { UnauthenticatedProblem } from './auth-errors';
import type { RefreshTokenRow } from './refresh-token.row';
import {
  REVOCATION_CHANNEL,
  SessionRevocations,
  sessionRevocation,
  staffRevocation,
} from './session-revocations';

export const JWT_ALGORITHM = 'HS256';

interface AccessClaims {
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

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * Access tokens are short-lived HS256 JWTs whose algorithm, issuer, audience, expiry and type are
 * all checked. Refresh tokens are opaque (`<id>.<secret>`): only a SHA-256 of the secret is stored,
 * each is usable once, and each use issues the next one in the same family.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly revocations: SessionRevocations,
  ) {}

  /**
   * Verifies an access token and that its session still stands: a logout, a password change, a
   * role change, a deactivation or a reused refresh token ends it on the next request. Any defect
   * at all answers the same 401, never 500.
   */
  async authenticate(token: string): Promise<StaffActor> {
    const { actor, sessionId, tokenVersion } = this.verifyAccessToken(token);
    const current = await this.revocations.isCurrent({
      staffId: actor.id,
      practiceId: actor.practiceId,
      sessionId,
      tokenVersion,
    });
    if (!current) throw new UnauthenticatedProblem('The access token is invalid or expired.');
    return actor;
  }

  private verifyAccessToken(token: string): {
    actor: StaffActor;
    sessionId: string;
    tokenVersion: number;
  } {
    let claims: Partial<AccessClaims & RegisteredClaims>;
    try {
      claims = this.jwt.verify<AccessClaims & RegisteredClaims>(token, {
        algorithms: [JWT_ALGORITHM],
        issuer: this.config.auth.issuer,
        audience: this.config.auth.audience,
      });
    } catch {
      throw new UnauthenticatedProblem('The access token is invalid or expired.');
    }
    const { sub, pid, role, typ, iat, exp, sid, ver } = claims;
    // The library checks `exp` only when present and `iat` never: a token re-signed without an
    // expiry, or with one further out than the API ever issues, would otherwise live for ever.
    const now = Date.now() / 1000;
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      iat > now + CLOCK_SKEW_SECONDS ||
      exp - iat > this.config.auth.accessTokenTtlSeconds ||
      typ !== 'access' ||
      typeof sub !== 'string' ||
      typeof pid !== 'string' ||
      typeof sid !== 'string' ||
      !Number.isInteger(ver) ||
      !STAFF_ROLES.includes(role as StaffRole)
    ) {
      throw new UnauthenticatedProblem('The access token is invalid or expired.');
    }
    return {
      actor: { kind: 'staff', id: sub, practiceId: pid, role: role as StaffRole },
      sessionId: sid,
      tokenVersion: ver as number,
    };
  }

  /** Issues an access token and a refresh token (a new family unless `familyId` continues one). */
  async issue(
    staff: { id: string; practiceId: string; role: StaffRole },
    familyId: string = randomUUID(),
  ): Promise<IssuedTokens> {
    const secret = randomBytes(32).toString('base64url');
    // The version is read as the token is stored, so a token never carries an older one than the
    // row held when its refresh token was written.
    const [row] = await this.txHost.tx.query<{ id: string; token_version: number }[]>(
      `INSERT INTO refresh_tokens (practice_id, staff_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(days => $5))
       RETURNING id, (SELECT s.token_version FROM staff s WHERE s.practice_id = $1 AND s.id = $2) AS token_version`,
      [staff.practiceId, staff.id, familyId, sha256(secret), this.config.auth.refreshTokenTtlDays],
    );
    const claims: AccessClaims = {
      sub: staff.id,
      pid: staff.practiceId,
      role: staff.role,
      typ: 'access',
      sid: familyId,
      ver: row!.token_version,
    };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: JWT_ALGORITHM,
      issuer: this.config.auth.issuer,
      audience: this.config.auth.audience,
      expiresIn: this.config.auth.accessTokenTtlSeconds,
    });
    return {
      accessToken,
      refreshToken: `${row!.id}.${secret}`,
      expiresIn: this.config.auth.accessTokenTtlSeconds,
    };
  }

  /**
   * Finds and locks the stored token a presented one names; undefined when it is not genuine. It
   * arrives without a practice, so it is found through the global unique index on its hash.
   */
  async findForUpdate(presented: string): Promise<RefreshTokenRow | undefined> {
    const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(presented);
    if (!match) return undefined;
    const [, id, secret] = match;
    const [row] = await this.txHost.tx.query<RefreshTokenRow[]>(
      `SELECT t.id, t.practice_id, t.staff_id, t.family_id, t.token_hash, t.used_at, t.revoked_at,
              t.expires_at <= now() AS expired, s.role, s.active AS staff_active
         FROM refresh_tokens t JOIN staff s ON s.practice_id = t.practice_id AND s.id = t.staff_id
        WHERE t.token_hash = $1 AND t.id = $2 FOR UPDATE OF t`,
      [sha256(secret!), id],
    );
    if (!row || !timingSafeEqual(row.token_hash, sha256(secret!))) return undefined;
    return row;
  }

  async markUsed(practiceId: string, id: string): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE refresh_tokens SET used_at = now() WHERE practice_id = $1 AND id = $2`,
      [practiceId, id],
    );
  }

  /**
   * Ends one session: its refresh tokens and, on every replica, its access tokens. The NOTIFY is
   * delivered when the transaction commits; call {@link forgetAfterCommit} once it has.
   */
  async revokeFamily(practiceId: string, familyId: string, reason: string): Promise<string> {
    await this.txHost.tx.query(
      `WITH revoked AS (
         UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $3
          WHERE practice_id = $1 AND family_id = $2 AND revoked_at IS NULL)
       SELECT pg_notify($4, $5)`,
      [practiceId, familyId, reason, REVOCATION_CHANNEL, sessionRevocation(familyId)],
    );
    return sessionRevocation(familyId);
  }

  /** Ends every session of a staff member (deactivation, password change), as revokeFamily does. */
  async revokeAllForStaff(practiceId: string, staffId: string, reason: string): Promise<string> {
    await this.txHost.tx.query(
      `WITH revoked AS (
         UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $3
          WHERE practice_id = $1 AND staff_id = $2 AND revoked_at IS NULL),
       bumped AS (
         UPDATE staff SET token_version = token_version + 1 WHERE practice_id = $1 AND id = $2)
       SELECT pg_notify($4, $5)`,
      [practiceId, staffId, reason, REVOCATION_CHANNEL, staffRevocation(staffId)],
    );
    return staffRevocation(staffId);
  }

  /**
   * Ends every access token of a staff member (a role change: the next refresh issues one with the
   * new role), by raising the version they must carry.
   */
  async endAccessTokens(practiceId: string, staffId: string): Promise<string> {
    await this.txHost.tx.query(
      `WITH bumped AS (
         UPDATE staff SET token_version = token_version + 1 WHERE practice_id = $1 AND id = $2)
       SELECT pg_notify($3, $4)`,
      [practiceId, staffId, REVOCATION_CHANNEL, staffRevocation(staffId)],
    );
    return staffRevocation(staffId);
  }

  /** Lets this process see a committed revocation at once, without waiting for its NOTIFY. */
  forgetAfterCommit(revocation: string | undefined): void {
    if (revocation) this.revocations.forget(revocation);
  }
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

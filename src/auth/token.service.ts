import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AppConfig } from '../config/app-config';
import type { StaffRole } from '../common/actor/actor';
import { JWT_ALGORITHM, type AccessClaims } from './jwt-access.strategy';
import type { RefreshTokenRow } from './refresh-token.row';
import {
  REVOCATION_CHANNEL,
  SessionRevocations,
  sessionRevocation,
  staffRevocation,
} from './session-revocations';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * Access tokens are short-lived HS256 JWTs (verified by {@link JwtAccessStrategy}). Refresh tokens are opaque (`<id>.<secret>`): only a SHA-256 of the secret is stored,
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

import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import { UnprocessableProblem } from '../common/problem/problem';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { RequestContext } from '../common/request-context/request-context';
import { AppConfig } from '../config/app-config';
import { anonymousActor, type StaffActor, type StaffRole } from '../common/actor/actor';
import {
  AUTH_ERRORS,
  InvalidCredentialsProblem,
  InvalidPasswordTokenProblem,
  InvalidRefreshTokenProblem,
} from './auth-errors';
import { PasswordHasher } from './password-hasher';
import type { RefreshTokenRow } from './refresh-token.row';
import { sha256, TokenService, type IssuedTokens } from './token.service';

interface LoginCandidate {
  id: string;
  practice_id: string;
  role: StaffRole;
  password_hash: string | null;
  active: boolean;
  /** Locked account-wide, after the hourly ceiling of failures was reached. */
  locked: boolean;
  /** Recent failures of this account from the caller's source, and from all sources in an hour. */
  source_failures: number;
  account_failures: number;
}

/** ASVS 4.0.3 V2.2.1: no more than 100 failed attempts an hour on one account. */
const ACCOUNT_FAILURE_WINDOW_SECONDS = 3600;

/** `revoked` names a session ended by the failed attempt, forgotten locally once it commits. */
type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error; revoked?: string };

/**
 * Sign-in, token rotation, sign-out and passwords. Failures that must leave a trace (a failed-login
 * count, a revoked token family) commit first and are answered afterwards, so the 401 does not roll
 * them back.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly tokens: TokenService,
    private readonly hasher: PasswordHasher,
    private readonly rateLimiter: RateLimiter,
    private readonly audit: AuditService,
    private readonly context: RequestContext,
    private readonly config: AppConfig,
  ) {}

  /**
   * Failures are throttled per account and source, so whoever guesses one clinician's password
   * from somewhere is refused there while the clinician still signs in from anywhere else. Only
   * many failing sources together (a distributed guess) lock the account itself, for an hour.
   */
  async login(email: string, password: string): Promise<IssuedTokens> {
    const normalized = email.trim().toLowerCase();
    const { rateWindowSeconds, ratePerIp } = this.config.auth;
    const source = this.context.ip ?? 'unknown';
    await this.rateLimiter.hit(`login:ip:${source}`, ratePerIp, rateWindowSeconds);
    return unwrap(
      await this.txHost.withTransaction(() => this.attemptLogin(normalized, password, source)),
    );
  }

  private async attemptLogin(
    email: string,
    password: string,
    source: string,
  ): Promise<Outcome<IssuedTokens>> {
    // The row lock serialises attempts on one account, so the counts below are exact.
    const [staff] = await this.txHost.tx.query<LoginCandidate[]>(
      `SELECT s.id, s.practice_id, s.role, s.password_hash, s.active,
              coalesce(s.locked_until > now(), false) AS locked,
              (SELECT count(*)::int FROM login_failures f
                WHERE f.practice_id = s.practice_id AND f.staff_id = s.id AND f.source = $2
                  AND f.failed_at > now() - make_interval(secs => $3)) AS source_failures,
              (SELECT count(*)::int FROM login_failures f
                WHERE f.practice_id = s.practice_id AND f.staff_id = s.id
                  AND f.failed_at > now() - make_interval(secs => $4)) AS account_failures
         FROM staff s WHERE s.email = $1 FOR UPDATE OF s`,
      [email, source, this.config.auth.lockoutSeconds, ACCOUNT_FAILURE_WINDOW_SECONDS],
    );
    const passwordOk = await this.hasher.verify(staff?.password_hash, password);
    if (!staff) {
      await this.audit.record({
        action: 'login_failed',
        resourceType: 'staff',
        outcome: 'failure',
        actor: anonymousActor(),
      });
      return { ok: false, error: new InvalidCredentialsProblem() };
    }
    const sourceLocked = staff.source_failures >= this.config.auth.lockoutThreshold;
    if (!passwordOk || staff.locked || sourceLocked || !staff.active) {
      const reason = staff.locked
        ? 'locked'
        : sourceLocked
          ? 'source_locked'
          : !staff.active
            ? 'inactive'
            : 'wrong_password';
      if (reason === 'wrong_password') await this.countFailure(staff, source);
      await this.audit.record({
        action: 'login_failed',
        resourceType: 'staff',
        resourceId: staff.id,
        outcome: 'failure',
        actor: anonymousActor(staff.practice_id),
        metadata: { reason },
      });
      return { ok: false, error: new InvalidCredentialsProblem() };
    }
    if (staff.source_failures > 0) {
      await this.txHost.tx.query(
        `DELETE FROM login_failures WHERE practice_id = $1 AND staff_id = $2 AND source = $3`,
        [staff.practice_id, staff.id, source],
      );
    }
    const actor: StaffActor = {
      kind: 'staff',
      id: staff.id,
      practiceId: staff.practice_id,
      role: staff.role,
    };
    const issued = await this.tokens.issue({
      id: staff.id,
      practiceId: staff.practice_id,
      role: staff.role,
    });
    await this.audit.record({
      action: 'login',
      resourceType: 'staff',
      resourceId: staff.id,
      actor,
    });
    return { ok: true, value: issued };
  }

  /**
   * Records a failure from `source`, forgetting those older than the hourly window, and locks the
   * account for that window once the hourly ceiling is reached: the failures already counted stay
   * within the last hour, and none is counted while it is locked.
   */
  private async countFailure(staff: LoginCandidate, source: string): Promise<void> {
    await this.txHost.tx.query(
      `WITH pruned AS (
         DELETE FROM login_failures
          WHERE practice_id = $1 AND staff_id = $2 AND failed_at <= now() - make_interval(secs => $4))
       INSERT INTO login_failures (practice_id, staff_id, source) VALUES ($1, $2, $3)`,
      [staff.practice_id, staff.id, source, ACCOUNT_FAILURE_WINDOW_SECONDS],
    );
    if (staff.account_failures + 1 >= this.config.auth.accountFailuresPerHour) {
      await this.txHost.tx.query(
        `UPDATE staff SET locked_until = now() + make_interval(secs => $3)
          WHERE practice_id = $1 AND id = $2`,
        [staff.practice_id, staff.id, ACCOUNT_FAILURE_WINDOW_SECONDS],
      );
    }
  }

  async refresh(presented: string): Promise<IssuedTokens> {
    const outcome = await this.txHost.withTransaction(() => this.rotate(presented));
    if (!outcome.ok) this.tokens.forgetAfterCommit(outcome.revoked);
    return unwrap(outcome);
  }

  private async rotate(presented: string): Promise<Outcome<IssuedTokens>> {
    const fail = { ok: false as const, error: new InvalidRefreshTokenProblem() };
    const revoke = async (reason: string) => ({
      ...fail,
      revoked: await this.tokens.revokeFamily(token!.practice_id, token!.family_id, reason),
    });
    const token = await this.tokens.findForUpdate(presented);
    if (!token || token.revoked_at || token.expired) return fail;
    if (token.used_at) {
      // A spent token came back: it was stolen or replayed. End every session of that family.
      const revoked = await revoke('reuse_detected');
      await this.audit.record({
        action: 'token_reuse_detected',
        resourceType: 'refresh_token',
        resourceId: token.id,
        outcome: 'denied',
        actor: anonymousActor(token.practice_id),
        metadata: { staffId: token.staff_id },
      });
      return revoked;
    }
    if (!token.staff_active) return revoke('staff_inactive');
    await this.tokens.markUsed(token.practice_id, token.id);
    const actor = staffActor(token);
    const issued = await this.tokens.issue(actor, token.family_id);
    await this.audit.record({
      action: 'token_refresh',
      resourceType: 'refresh_token',
      resourceId: token.id,
      actor,
    });
    return { ok: true, value: issued };
  }

  /** Revokes the presented token's family. Always succeeds, so it reveals nothing about the token. */
  async logout(presented: string): Promise<void> {
    const revoked = await this.txHost.withTransaction(async () => {
      const token = await this.tokens.findForUpdate(presented);
      if (!token || token.revoked_at) return undefined;
      const session = await this.tokens.revokeFamily(token.practice_id, token.family_id, 'logout');
      await this.audit.record({
        action: 'logout',
        resourceType: 'refresh_token',
        resourceId: token.id,
        actor: staffActor(token),
      });
      return session;
    });
    this.tokens.forgetAfterCommit(revoked);
  }

  async changePassword(
    actor: StaffActor,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const [row] = await this.txHost.tx.query<{ password_hash: string | null }[]>(
      `SELECT password_hash FROM staff WHERE practice_id = $1 AND id = $2`,
      [actor.practiceId, actor.id],
    );
    if (!(await this.hasher.verify(row?.password_hash, currentPassword))) {
      throw new UnprocessableProblem(
        AUTH_ERRORS.wrongCurrentPassword,
        'The current password is incorrect.',
        [{ field: 'currentPassword', message: 'is incorrect' }],
      );
    }
    const hash = await this.hasher.hash(newPassword);
    const revoked = await this.txHost.withTransaction(async () => {
      await this.storePassword(actor.practiceId, actor.id, hash);
      const sessions = await this.tokens.revokeAllForStaff(
        actor.practiceId,
        actor.id,
        'password_changed',
      );
      await this.audit.record({
        action: 'password_change',
        resourceType: 'staff',
        resourceId: actor.id,
        changedFields: ['password'],
      });
      return sessions;
    });
    this.tokens.forgetAfterCommit(revoked);
  }

  /** Redeems a one-time set-password token (`<id>.<secret>`) issued when the staff member was added. */
  async setPassword(presented: string, password: string): Promise<void> {
    const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(presented);
    if (!match) throw new InvalidPasswordTokenProblem();
    const hash = await this.hasher.hash(password);
    const revoked = await this.txHost.withTransaction(async () => {
      const [token] = await this.txHost.tx.query<
        { practice_id: string; staff_id: string; token_hash: Buffer }[]
      >(
        `SELECT t.practice_id, t.staff_id, t.token_hash FROM password_tokens t
           JOIN staff s ON s.practice_id = t.practice_id AND s.id = t.staff_id AND s.active
          WHERE t.token_hash = $1 AND t.id = $2 AND t.used_at IS NULL AND t.expires_at > now()
            FOR UPDATE OF t`,
        [sha256(match[2]!), match[1]],
      );
      if (!token || !sha256(match[2]!).equals(token.token_hash))
        throw new InvalidPasswordTokenProblem();
      await this.txHost.tx.query(
        `UPDATE password_tokens SET used_at = now() WHERE practice_id = $1 AND staff_id = $2 AND used_at IS NULL`,
        [token.practice_id, token.staff_id],
      );
      await this.storePassword(token.practice_id, token.staff_id, hash);
      const sessions = await this.tokens.revokeAllForStaff(
        token.practice_id,
        token.staff_id,
        'password_set',
      );
      await this.audit.record({
        action: 'password_set',
        resourceType: 'staff',
        resourceId: token.staff_id,
        changedFields: ['password'],
        actor: anonymousActor(token.practice_id),
      });
      return sessions;
    });
    this.tokens.forgetAfterCommit(revoked);
  }

  /** A new password also clears the failures counted against the old one, and any lock. */
  private async storePassword(practiceId: string, staffId: string, hash: string): Promise<void> {
    await this.txHost.tx.query(
      `WITH cleared AS (DELETE FROM login_failures WHERE practice_id = $1 AND staff_id = $2)
       UPDATE staff SET password_hash = $3, password_changed_at = now(),
              locked_until = NULL, version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, staffId, hash],
    );
  }
}

function staffActor(token: RefreshTokenRow): StaffActor {
  return { kind: 'staff', id: token.staff_id, practiceId: token.practice_id, role: token.role };
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

import { createHash } from 'node:crypto';
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
  locked: boolean;
  failed_login_count: number;
}

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

  async login(email: string, password: string): Promise<IssuedTokens> {
    const normalized = email.trim().toLowerCase();
    const { rateWindowSeconds, ratePerIp, ratePerAccount } = this.config.auth;
    await this.rateLimiter.hit(
      `login:ip:${this.context.ip ?? 'unknown'}`,
      ratePerIp,
      rateWindowSeconds,
    );
    await this.rateLimiter.hit(
      `login:account:${hex(normalized)}`,
      ratePerAccount,
      rateWindowSeconds,
    );
    return unwrap(await this.txHost.withTransaction(() => this.attemptLogin(normalized, password)));
  }

  private async attemptLogin(email: string, password: string): Promise<Outcome<IssuedTokens>> {
    const [staff] = await this.txHost.tx.query<LoginCandidate[]>(
      `SELECT id, practice_id, role, password_hash, active, failed_login_count,
              coalesce(locked_until > now(), false) AS locked
         FROM staff WHERE email = $1 FOR UPDATE`,
      [email],
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
    if (!passwordOk || staff.locked || !staff.active) {
      const reason = staff.locked ? 'locked' : !staff.active ? 'inactive' : 'wrong_password';
      if (reason === 'wrong_password') await this.countFailure(staff);
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
    await this.txHost.tx.query(
      `UPDATE staff SET failed_login_count = 0, locked_until = NULL WHERE id = $1 AND (failed_login_count > 0 OR locked_until IS NOT NULL)`,
      [staff.id],
    );
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

  /** The fifth failure in a row locks the account for the configured time (and restarts the count). */
  private async countFailure(staff: LoginCandidate): Promise<void> {
    const { lockoutThreshold, lockoutSeconds } = this.config.auth;
    await this.txHost.tx.query(
      `UPDATE staff SET
         failed_login_count = CASE WHEN failed_login_count + 1 >= $2 THEN 0 ELSE failed_login_count + 1 END,
         locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(secs => $3) ELSE locked_until END
       WHERE id = $1`,
      [staff.id, lockoutThreshold, lockoutSeconds],
    );
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
    await this.tokens.markUsed(token.id);
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
          WHERE t.id = $1 AND t.used_at IS NULL AND t.expires_at > now() FOR UPDATE OF t`,
        [match[1]],
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

  private async storePassword(practiceId: string, staffId: string, hash: string): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE staff SET password_hash = $3, password_changed_at = now(), failed_login_count = 0,
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

function hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

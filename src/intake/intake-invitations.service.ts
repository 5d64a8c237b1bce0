import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  toPage,
  type Page,
  timestampCursorSql,
} from '../common/pagination/cursor';
import { SqlParams } from '../common/sql/sql-params';
import { providedFields } from '../common/validation/transforms';
import {
  CreatedIntakeInvitationView,
  CreateIntakeInvitationDto,
  DEFAULT_INVITATION_DAYS,
  IntakeInvitationView,
  ListIntakeInvitationsQueryDto,
} from './dto/intake-invitation.dto';
import { IntakeInvitationNotFoundError, IntakeInvitationUsedError } from './intake-errors';
import {
  INVITATION_COLUMNS as COLUMNS,
  INVITATION_STATUS_SQL as STATUS,
  type InvitationRow,
} from './intake-invitation.row';

// 32 random bytes in base64url, unpadded.
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * One-time intake links. The token is 256 random bits, shown once in the answer that creates the
 * link; only its SHA-256 is kept. A counselor sees and revokes the links they sent; intake
 * coordinators, supervisors and admins those of the whole practice.
 */
@Injectable()
export class IntakeInvitationsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  /** The stored form of a token, or undefined when it cannot be one of ours. */
  static hashToken(token: string): Buffer | undefined {
    if (!TOKEN_FORMAT.test(token)) return undefined;
    return createHash('sha256').update(token, 'utf8').digest();
  }

  create(actor: StaffActor, dto: CreateIntakeInvitationDto): Promise<CreatedIntakeInvitationView> {
    return this.txHost.withTransaction(async () => {
      const token = randomBytes(32).toString('base64url');
      const [row] = await this.txHost.tx.query<InvitationRow[]>(
        `INSERT INTO intake_invitations AS i (practice_id, token_hash, email, created_by, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(days => $5))
         RETURNING ${COLUMNS}`,
        [
          actor.practiceId,
          IntakeInvitationsService.hashToken(token),
          dto.email ?? null,
          actor.id,
          dto.expiresInDays ?? DEFAULT_INVITATION_DAYS,
        ],
      );
      await this.audit.record({
        action: 'create',
        resourceType: 'intake_invitation',
        resourceId: row!.id,
        changedFields: providedFields(dto),
      });
      return {
        id: row!.id,
        token,
        url: `/api/v1/intake/${token}`,
        email: row!.email,
        expiresAt: row!.expires_at.toISOString(),
      };
    });
  }

  async list(
    actor: StaffActor,
    query: ListIntakeInvitationsQueryDto,
  ): Promise<Page<IntakeInvitationView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params = new SqlParams();
    const where = [this.scope(actor, params)];
    if (query.status) where.push(`${STATUS} = ${params.add(query.status)}`);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      where.push(
        `(i.created_at, i.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`,
      );
    }
    const rows = await this.txHost.tx.query<(InvitationRow & { at: string })[]>(
      `SELECT ${COLUMNS}, ${timestampCursorSql('i.created_at')} AS at
         FROM intake_invitations i WHERE ${where.join(' AND ')}
        ORDER BY i.created_at DESC, i.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.at, row.id]);
    await this.audit.recordMany(
      page.data.map((row) => ({
        action: 'list' as const,
        resourceType: 'intake_invitation',
        resourceId: row.id,
      })),
    );
    return { data: page.data.map(toView), nextCursor: page.nextCursor };
  }

  /** A revoked link answers 404 from now on. Revoking twice is harmless; a used link cannot be. */
  revoke(actor: StaffActor, invitationId: string): Promise<IntakeInvitationView> {
    return this.txHost.withTransaction(async () => {
      const params = new SqlParams();
      const where = [this.scope(actor, params), `i.id = ${params.add(invitationId)}`];
      const [row] = await this.txHost.tx.query<InvitationRow[]>(
        `SELECT ${COLUMNS} FROM intake_invitations i WHERE ${where.join(' AND ')} FOR UPDATE`,
        params.values,
      );
      if (!row) {
        return this.audit.denyAsNotFound(
          { resourceType: 'intake_invitation', resourceId: invitationId },
          new IntakeInvitationNotFoundError(),
        );
      }
      if (row.used_at) throw new IntakeInvitationUsedError();
      if (row.revoked_at) return toView(row);
      const [[revoked]] = await this.txHost.tx.query<[InvitationRow[], number]>(
        `UPDATE intake_invitations i SET revoked_at = now() WHERE i.practice_id = $1 AND i.id = $2
         RETURNING ${COLUMNS}`,
        [actor.practiceId, invitationId],
      );
      await this.audit.record({
        action: 'update',
        resourceType: 'intake_invitation',
        resourceId: invitationId,
        changedFields: ['revokedAt'],
      });
      return toView(revoked!);
    });
  }

  /** A counselor reaches the links they sent; the other roles every link of the practice. */
  private scope(actor: StaffActor, params: SqlParams): string {
    const practice = `i.practice_id = ${params.add(actor.practiceId)}`;
    return actor.role === 'counselor'
      ? `${practice} AND i.created_by = ${params.add(actor.id)}`
      : practice;
  }
}

function toView(row: InvitationRow): IntakeInvitationView {
  return {
    id: row.id,
    email: row.email,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    usedAt: row.used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    submissionId: row.submission_id,
  };
}

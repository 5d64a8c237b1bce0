import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientNotFoundError } from '../access/client-access.service';
import { LISTED_CLIENT } from '../access/listed-client';
import { CaseNotFoundError } from '../access/case-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination/cursor';
import { ConflictProblem, ForbiddenProblem } from '../common/problem/problem';
import { SqlParams } from '../common/sql/sql-params';
import { AppConfig } from '../config/app-config';
import { EMERGENCY_ACCESS_ERRORS } from './emergency-access-errors';
import {
  EmergencyGrantView,
  ListEmergencyGrantsQueryDto,
  RequestEmergencyAccessDto,
} from './emergency-access.dto';
import { GRANT_COLUMNS, type GrantRow } from './emergency-grant.row';

/**
 * "Break the glass": a clinician outside the care team opens a client's record for a limited time,
 * with a stated reason. The grant is audited as emergency access and reviewed by admins.
 */
/** Breaking the glass is for clinicians: the people who would treat the client. */
function assertClinician(actor: StaffActor): void {
  if (actor.role !== 'counselor' && actor.role !== 'supervisor') {
    throw new ForbiddenProblem(
      'Only clinicians (counselors and supervisors) can request emergency access.',
    );
  }
}

@Injectable()
export class EmergencyAccessService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  grant(
    actor: StaffActor,
    clientId: string,
    dto: RequestEmergencyAccessDto,
  ): Promise<EmergencyGrantView> {
    assertClinician(actor);
    return this.txHost.withTransaction(async () => {
      const [client] = await this.txHost.tx.query<{ on_team: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM care_team_members m WHERE m.practice_id = c.practice_id AND m.client_id = c.id
                          AND m.staff_id = $3 AND m.removed_at IS NULL) AS on_team
           FROM clients c WHERE c.practice_id = $1 AND c.id = $2 AND ${LISTED_CLIENT}`,
        [actor.practiceId, clientId, actor.id],
      );
      if (!client) {
        return this.audit.denyAsNotFound(
          { resourceType: 'emergency_access', resourceId: clientId },
          new ClientNotFoundError(),
        );
      }
      if (client.on_team) {
        throw new ConflictProblem(
          EMERGENCY_ACCESS_ERRORS.alreadyOnCareTeam,
          'You are on this client’s care team: no emergency access is needed.',
        );
      }
      const row = await this.insertGrant(actor, 'client_id', clientId, dto.reason);
      await this.audit.record({
        action: 'emergency_access',
        resourceType: 'client',
        resourceId: clientId,
        clientId,
        metadata: { grantId: row.id, minutes: this.config.emergencyAccessMinutes },
      });
      return toView(row);
    });
  }

  /**
   * Breaking the glass on a case: its shared sessions and their notes for the configured minutes,
   * never its clients' individual charts.
   */
  grantForCase(
    actor: StaffActor,
    caseId: string,
    dto: RequestEmergencyAccessDto,
  ): Promise<EmergencyGrantView> {
    assertClinician(actor);
    return this.txHost.withTransaction(async () => {
      const [kase] = await this.txHost.tx.query<{ on_team: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM case_care_team_members m WHERE m.practice_id = k.practice_id AND m.case_id = k.id
                          AND m.staff_id = $3 AND m.removed_at IS NULL) AS on_team
           FROM cases k WHERE k.practice_id = $1 AND k.id = $2 AND k.status <> 'entered_in_error'`,
        [actor.practiceId, caseId, actor.id],
      );
      if (!kase) {
        return this.audit.denyAsNotFound(
          { resourceType: 'emergency_access', resourceId: caseId },
          new CaseNotFoundError(),
        );
      }
      if (kase.on_team) {
        throw new ConflictProblem(
          EMERGENCY_ACCESS_ERRORS.alreadyOnCareTeam,
          'You are on this case’s care team: no emergency access is needed.',
        );
      }
      const row = await this.insertGrant(actor, 'case_id', caseId, dto.reason);
      await this.audit.record({
        action: 'emergency_access',
        resourceType: 'case',
        resourceId: caseId,
        metadata: { grantId: row.id, minutes: this.config.emergencyAccessMinutes },
      });
      return toView(row);
    });
  }

  /** The grant row, naming either the client or the case, for the configured minutes. */
  private async insertGrant(
    actor: StaffActor,
    target: 'client_id' | 'case_id',
    targetId: string,
    reason: string,
  ): Promise<GrantRow> {
    const [row] = await this.txHost.tx.query<GrantRow[]>(
      `WITH g AS (
         INSERT INTO emergency_access_grants (practice_id, ${target}, staff_id, reason, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5)) RETURNING *)
       SELECT ${GRANT_COLUMNS} FROM g JOIN staff s ON s.practice_id = g.practice_id AND s.id = g.staff_id`,
      [actor.practiceId, targetId, actor.id, reason.trim(), this.config.emergencyAccessMinutes],
    );
    return row!;
  }

  async list(
    actor: StaffActor,
    query: ListEmergencyGrantsQueryDto,
  ): Promise<Page<EmergencyGrantView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params = new SqlParams();
    const where = [`g.practice_id = ${params.add(actor.practiceId)}`];
    if (query.clientId) where.push(`g.client_id = ${params.add(query.clientId)}`);
    if (query.staffId) where.push(`g.staff_id = ${params.add(query.staffId)}`);
    if (query.active !== undefined)
      where.push(query.active ? 'g.expires_at > now()' : 'g.expires_at <= now()');
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      where.push(
        `(g.granted_at, g.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`,
      );
    }
    const rows = await this.txHost.tx.query<GrantRow[]>(
      `SELECT ${GRANT_COLUMNS} FROM emergency_access_grants g
         JOIN staff s ON s.practice_id = g.practice_id AND s.id = g.staff_id
        WHERE ${where.join(' AND ')} ORDER BY g.granted_at DESC, g.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.cursor_key, row.id]);
    await this.audit.record({
      action: 'list',
      resourceType: 'emergency_access',
      metadata: { count: page.data.length },
    });
    return { data: page.data.map(toView), nextCursor: page.nextCursor };
  }
}

function toView(row: GrantRow): EmergencyGrantView {
  return {
    id: row.id,
    clientId: row.client_id,
    caseId: row.case_id,
    staffId: row.staff_id,
    staffName: row.staff_name,
    reason: row.reason,
    grantedAt: row.granted_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    active: row.active,
  };
}

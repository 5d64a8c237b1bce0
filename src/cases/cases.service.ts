import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import {
  etagOf,
  expectedVersion,
  PreconditionFailedProblem,
  type Versioned,
} from '../common/http/etag';
import { decodeCursor, toPage, type Page } from '../common/pagination/cursor';
import { UnprocessableProblem } from '../common/problem/problem';
import { SqlParams } from '../common/sql/sql-params';
import { providedFields } from '../common/validation/transforms';
import { CareTeamService } from '../clients/care-team.service';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { CASE_COLUMNS, toCaseView, type CaseRow, type CaseView } from './case.row';
import { assertCaseTransition } from './case-status';
import { CASE_ERRORS } from './cases-errors';
import {
  ChangeCaseStatusDto,
  CreateCaseDto,
  ListCasesQueryDto,
  UpdateCaseDto,
} from './dto/case.dto';

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (char) => `\\${char}`);

/** Use cases on a case as a whole. Every read and write passes the case access check and is audited. */
@Injectable()
export class CasesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: CaseAccessService,
    private readonly careTeam: CareTeamService,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  create(actor: StaffActor, dto: CreateCaseDto): Promise<Versioned<CaseView>> {
    return this.txHost.withTransaction(async () => {
      const team = [...(dto.careTeam ?? [])];
      const clinician = actor.role === 'counselor' || actor.role === 'supervisor';
      if (clinician && !team.some((entry) => entry.role === 'primary_counselor')) {
        team.unshift({ staffId: actor.id, role: 'primary_counselor' });
      }
      for (const [index, entry] of team.entries()) {
        await this.careTeam.assertClinician(
          actor.practiceId,
          entry.staffId,
          `careTeam[${index}].staffId`,
        );
      }
      const [row] = await this.txHost.tx.query<CaseRow[]>(
        `INSERT INTO cases AS k (practice_id, case_type, label, presenting_reason, opened_on, created_by)
         VALUES ($1, $2, $3, $4, coalesce($5::date, current_date), $6) RETURNING ${CASE_COLUMNS}`,
        [
          actor.practiceId,
          dto.type,
          dto.label.trim(),
          dto.presentingReason ?? null,
          dto.openedOn ?? null,
          actor.id,
        ],
      );
      for (const entry of team) {
        await this.txHost.tx.query(
          `INSERT INTO case_care_team_members (practice_id, case_id, staff_id, role, added_by)
           VALUES ($1, $2, $3, $4, $5)`,
          [actor.practiceId, row!.id, entry.staffId, entry.role, actor.id],
        );
      }
      await this.audit.record({
        action: 'create',
        resourceType: 'case',
        resourceId: row!.id,
        changedFields: providedFields(dto),
      });
      await this.webhooks.emit('case.opened', caseIds(actor, row!.id));
      return versioned(row!);
    });
  }

  async get(actor: StaffActor, caseId: string): Promise<Versioned<CaseView>> {
    const { kase, via } = await this.access.require(actor, caseId, 'read');
    await this.audit.record({
      action: 'read',
      resourceType: 'case',
      resourceId: caseId,
      metadata: { via },
    });
    return versioned(kase);
  }

  async list(actor: StaffActor, query: ListCasesQueryDto): Promise<Page<CaseView>> {
    const params = new SqlParams();
    const where = [this.access.listScope(actor, params, 'read')];
    const limit = query.limit ?? 50;
    if (query.status?.length) where.push(`k.status = ANY(${params.add(query.status)})`);
    if (query.type?.length) where.push(`k.case_type = ANY(${params.add(query.type)})`);
    if (query.counselorId) {
      where.push(`EXISTS (SELECT 1 FROM case_care_team_members t WHERE t.practice_id = k.practice_id
                    AND t.case_id = k.id AND t.staff_id = ${params.add(query.counselorId)} AND t.removed_at IS NULL)`);
    }
    if (query.memberName) {
      const prefix = `search_key(${params.add(escapeLike(query.memberName.trim()))}) || '%'`;
      where.push(`EXISTS (SELECT 1 FROM case_members m
          JOIN persons n ON n.practice_id = m.practice_id AND n.id = m.person_id
          LEFT JOIN clients c ON c.practice_id = m.practice_id AND c.person_id = m.person_id
          LEFT JOIN LATERAL (SELECT f.first_name, f.last_name FROM family_members f
                   WHERE f.practice_id = m.practice_id AND f.person_id = m.person_id LIMIT 1) f ON true
         WHERE m.practice_id = k.practice_id AND m.case_id = k.id
           AND (search_key(coalesce(c.first_name, f.first_name, n.first_name)) LIKE ${prefix}
             OR search_key(coalesce(c.last_name, f.last_name, n.last_name, '')) LIKE ${prefix}))`);
    }
    if (query.cursor) {
      const [opened, id] = decodeCursor(query.cursor, 2);
      where.push(`(k.opened_on, k.id) < (${params.add(opened)}::date, ${params.add(id)}::uuid)`);
    }
    const rows = await this.txHost.tx.query<CaseRow[]>(
      `SELECT ${CASE_COLUMNS} FROM cases k WHERE ${where.join(' AND ')}
        ORDER BY k.opened_on DESC, k.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.opened_on, row.id]);
    await this.audit.recordMany(
      page.data.map((row) => ({
        action: 'list' as const,
        resourceType: 'case',
        resourceId: row.id,
      })),
    );
    return { data: page.data.map(toCaseView), nextCursor: page.nextCursor };
  }

  update(
    actor: StaffActor,
    caseId: string,
    dto: UpdateCaseDto,
    ifMatch?: string,
  ): Promise<Versioned<CaseView>> {
    return this.txHost.withTransaction(async () => {
      const { kase } = await this.access.require(actor, caseId, 'write', { forUpdate: true });
      const expected = expectedVersion(ifMatch, caseId, kase.version) ?? kase.version;
      const params = new SqlParams();
      const assignments: string[] = [];
      const changedFields: string[] = [];
      const columns = {
        label: 'label',
        presentingReason: 'presenting_reason',
        type: 'case_type',
      } as const;
      for (const [field, column] of Object.entries(columns) as [
        keyof UpdateCaseDto,
        keyof CaseRow,
      ][]) {
        const value = dto[field]?.trim();
        if (value === undefined || kase[column] === value) continue;
        changedFields.push(field);
        assignments.push(`${column} = ${params.add(value)}`);
      }
      if (changedFields.length === 0) return versioned(kase);
      const row = await this.write(actor, caseId, expected, assignments, params);
      await this.audit.record({
        action: 'update',
        resourceType: 'case',
        resourceId: caseId,
        changedFields,
      });
      await this.webhooks.emit('case.updated', caseIds(actor, caseId));
      return versioned(row);
    });
  }

  changeStatus(
    actor: StaffActor,
    caseId: string,
    dto: ChangeCaseStatusDto,
    ifMatch?: string,
  ): Promise<Versioned<CaseView>> {
    return this.txHost.withTransaction(async () => {
      const { kase } = await this.access.require(actor, caseId, 'write', { forUpdate: true });
      const expected = expectedVersion(ifMatch, caseId, kase.version) ?? kase.version;
      assertCaseTransition(kase.status, dto.status);
      if (dto.status === 'closed' && (!dto.reason || !dto.closedOn)) {
        throw new UnprocessableProblem(
          CASE_ERRORS.closeIncomplete,
          'Closing a case needs a reason and a date.',
          [
            ...(dto.reason ? [] : [{ field: 'reason', message: 'is required when closing' }]),
            ...(dto.closedOn ? [] : [{ field: 'closedOn', message: 'is required when closing' }]),
          ],
        );
      }
      const params = new SqlParams();
      const closing = dto.status === 'closed';
      const row = await this.write(
        actor,
        caseId,
        expected,
        [
          `status = ${params.add(dto.status)}`,
          `close_reason = ${params.add(closing ? dto.reason : null)}`,
          `closed_on = ${params.add(closing ? dto.closedOn : null)}::date`,
        ],
        params,
      );
      await this.audit.record({
        action: 'status_change',
        resourceType: 'case',
        resourceId: caseId,
        metadata: { from: kase.status, to: dto.status },
      });
      await this.webhooks.emit('case.status_changed', caseIds(actor, caseId));
      return versioned(row);
    });
  }

  markEnteredInError(
    actor: StaffActor,
    caseId: string,
    reason: string,
    ifMatch?: string,
  ): Promise<Versioned<CaseView>> {
    return this.txHost.withTransaction(async () => {
      const { kase } = await this.access.require(actor, caseId, 'write', { forUpdate: true });
      const expected = expectedVersion(ifMatch, caseId, kase.version) ?? kase.version;
      const params = new SqlParams();
      const row = await this.write(
        actor,
        caseId,
        expected,
        [`status = 'entered_in_error'`, `error_reason = ${params.add(reason.trim())}`],
        params,
      );
      await this.audit.record({
        action: 'status_change',
        resourceType: 'case',
        resourceId: caseId,
        metadata: { from: kase.status, to: 'entered_in_error' },
      });
      await this.webhooks.emit('case.entered_in_error', caseIds(actor, caseId));
      return versioned(row);
    });
  }

  private async write(
    actor: StaffActor,
    caseId: string,
    expected: number,
    assignments: string[],
    params: SqlParams,
  ): Promise<CaseRow> {
    const [[row]] = await this.txHost.tx.query<[CaseRow[], number]>(
      `UPDATE cases k SET ${assignments.join(', ')}, version = version + 1, updated_at = now()
        WHERE practice_id = ${params.add(actor.practiceId)} AND id = ${params.add(caseId)}
          AND version = ${params.add(expected)}
        RETURNING ${CASE_COLUMNS}`,
      params.values,
    );
    if (!row) throw new PreconditionFailedProblem();
    return row;
  }
}

/** A case event names the case, never its label (usually the family's surname). */
function caseIds(actor: StaffActor, caseId: string) {
  return { practiceId: actor.practiceId, caseId };
}

function versioned(row: CaseRow): Versioned<CaseView> {
  return { view: toCaseView(row), etag: etagOf(row.id, row.version) };
}

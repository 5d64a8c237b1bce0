import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '../common/problem/problem';
import { rowsOfManager } from '../common/sql/query-rows';
import { CareTeamService } from '../clients/care-team.service';
import { toClientView, type ClientView } from '../clients/client.row';
import { insertClient } from '../clients/client-writes';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { CASE_ERRORS } from './cases-errors';
import { AddCaseMemberDto, CaseMemberView, PromoteMemberDto } from './dto/case-member.dto';

interface MemberRow {
  person_id: string;
  client_id: string | null;
  first_name: string;
  last_name: string | null;
  role: CaseMemberView['role'];
  participation: CaseMemberView['participation'];
}

/**
 * Each member's names come from where the person is recorded: their chart, else a family-member
 * row, else the case-only person row.
 */
const MEMBER_SELECT = `SELECT m.person_id, c.id AS client_id,
       coalesce(c.first_name, f.first_name, n.first_name) AS first_name,
       coalesce(c.last_name, f.last_name, n.last_name) AS last_name, m.role, m.participation
  FROM case_members m
  JOIN persons n ON n.practice_id = m.practice_id AND n.id = m.person_id
  LEFT JOIN clients c ON c.practice_id = m.practice_id AND c.person_id = m.person_id
  LEFT JOIN LATERAL (SELECT f.first_name, f.last_name FROM family_members f
          WHERE f.practice_id = m.practice_id AND f.person_id = m.person_id
          ORDER BY f.created_at LIMIT 1) f ON true`;

const toView = (row: MemberRow): CaseMemberView => ({
  personId: row.person_id,
  clientId: row.client_id,
  firstName: row.first_name,
  lastName: row.last_name,
  role: row.role,
  participation: row.participation,
});

/** The persons of a case: who they are, their role in it, whether they take part. */
@Injectable()
export class CaseMembersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cases: CaseAccessService,
    private readonly clients: ClientAccessService,
    private readonly careTeam: CareTeamService,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  async list(actor: StaffActor, caseId: string): Promise<CaseMemberView[]> {
    await this.cases.require(actor, caseId, 'read');
    const rows = await this.txHost.tx.query<MemberRow[]>(
      `${MEMBER_SELECT} WHERE m.practice_id = $1 AND m.case_id = $2 ORDER BY m.added_at, m.person_id`,
      [actor.practiceId, caseId],
    );
    await this.audit.record({
      action: 'read',
      resourceType: 'case_members',
      resourceId: caseId,
      metadata: { count: rows.length },
    });
    return rows.map(toView);
  }

  add(actor: StaffActor, caseId: string, dto: AddCaseMemberDto): Promise<CaseMemberView> {
    return this.txHost.withTransaction(async () => {
      await this.cases.require(actor, caseId, 'write', { forUpdate: true });
      const personId = await this.personOf(actor, dto);
      const inserted = await this.txHost.tx.query<unknown[]>(
        `INSERT INTO case_members (practice_id, case_id, person_id, role, participation)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING person_id`,
        [actor.practiceId, caseId, personId, dto.role, dto.participation ?? 'participating'],
      );
      if (inserted.length === 0) {
        throw new ConflictProblem(
          CASE_ERRORS.alreadyCaseMember,
          'The person is already in this case.',
        );
      }
      await this.audit.record({
        action: 'create',
        resourceType: 'case_member',
        resourceId: personId,
        metadata: { caseId, role: dto.role },
      });
      await this.webhooks.emit('case.member_added', {
        practiceId: actor.practiceId,
        caseId,
        personId,
      });
      return this.one(actor.practiceId, caseId, personId);
    });
  }

  /**
   * Gives a person of the case their own chart: the chart takes the person's id, so every case,
   * goal, agreement and session that already names the person names the new client.
   */
  promote(
    actor: StaffActor,
    caseId: string,
    personId: string,
    dto: PromoteMemberDto,
  ): Promise<ClientView> {
    return this.txHost.withTransaction(async () => {
      await this.cases.require(actor, caseId, 'write', { forUpdate: true });
      const member = await this.one(actor.practiceId, caseId, personId).catch(() => undefined);
      if (!member) {
        throw new UnprocessableProblem(CASE_ERRORS.notInCase, 'The person is not in this case.', [
          { field: 'personId', message: 'is not a member of this case' },
        ]);
      }
      if (member.clientId) {
        throw new ConflictProblem(CASE_ERRORS.alreadyAClient, 'This person already has a chart.', {
          clientId: member.clientId,
        });
      }
      const clinician = actor.role === 'counselor' || actor.role === 'supervisor';
      const primaryId = dto.primaryCounselorId ?? (clinician ? actor.id : undefined);
      if (primaryId)
        await this.careTeam.assertClinician(actor.practiceId, primaryId, 'primaryCounselorId');
      const client = await insertClient(rowsOfManager(this.txHost.tx), actor.practiceId, {
        person_id: personId,
        first_name: member.firstName,
        last_name: member.lastName ?? dto.lastName ?? '',
        date_of_birth: dto.dateOfBirth,
        created_by: actor.id,
      });
      if (primaryId)
        await this.careTeam.insertMember(actor, client.id, primaryId, 'primary_counselor');
      await this.audit.record({
        action: 'create',
        resourceType: 'client',
        resourceId: client.id,
        clientId: client.id,
        metadata: { caseId, personId, promoted: true },
      });
      return toClientView(client);
    });
  }

  private async one(practiceId: string, caseId: string, personId: string): Promise<CaseMemberView> {
    const [row] = await this.txHost.tx.query<MemberRow[]>(
      `${MEMBER_SELECT} WHERE m.practice_id = $1 AND m.case_id = $2 AND m.person_id = $3`,
      [practiceId, caseId, personId],
    );
    if (!row) throw new NotFoundProblem('The case member');
    return toView(row);
  }

  /** The person a new member names: an existing chart, a family member, or a new person. */
  private async personOf(actor: StaffActor, dto: AddCaseMemberDto): Promise<string> {
    const given = [dto.clientId, dto.familyMemberId, dto.newPerson].filter((v) => v !== undefined);
    if (given.length !== 1) {
      throw new UnprocessableProblem(
        CASE_ERRORS.memberIncomplete,
        'Name exactly one person to add.',
        [{ field: 'clientId', message: 'exactly one of clientId, familyMemberId, newPerson' }],
      );
    }
    if (dto.clientId) {
      await this.clients.require(actor, dto.clientId, 'read');
      return this.personOfClient(actor, dto.clientId);
    }
    if (dto.familyMemberId) {
      const [row] = await this.txHost.tx.query<{ person_id: string; client_id: string }[]>(
        `SELECT person_id, client_id FROM family_members WHERE practice_id = $1 AND id = $2`,
        [actor.practiceId, dto.familyMemberId],
      );
      // The family member's client must be reachable: otherwise the family member "does not exist".
      await this.clients.require(actor, row?.client_id ?? dto.familyMemberId, 'read');
      return row!.person_id;
    }
    const [row] = await this.txHost.tx.query<{ id: string }[]>(
      `INSERT INTO persons (practice_id, first_name, last_name) VALUES ($1, $2, $3) RETURNING id`,
      [actor.practiceId, dto.newPerson!.firstName.trim(), dto.newPerson!.lastName?.trim() ?? null],
    );
    return row!.id;
  }

  private async personOfClient(actor: StaffActor, clientId: string): Promise<string> {
    const [row] = await this.txHost.tx.query<{ person_id: string }[]>(
      `SELECT person_id FROM clients WHERE practice_id = $1 AND id = $2`,
      [actor.practiceId, clientId],
    );
    return row!.person_id;
  }
}

import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CaseAccessService } from '../access/case-access.service';
import type { AccessVia } from '../access/client-access';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { describeConstraint } from '../common/problem/database-errors';
import {
  ConflictProblem,
  ForbiddenProblem,
  NotFoundProblem,
  UnprocessableProblem,
} from '../common/problem/problem';
import { CareTeamService } from '../clients/care-team.service';
import type { CareTeamMemberRow } from '../clients/care-team.row';
import { CLIENT_ERRORS } from '../clients/client-errors';
import type { CareTeamRole } from '../clients/dto/care-team.dto';
import type { CaseStatus } from './case.row';
import { CASE_ERRORS } from './cases-errors';
import { AddCaseCareTeamMemberDto, CaseCareTeamMemberView } from './dto/case-care-team.dto';

// Reached only by a list in one request naming a clinician twice (`POST /cases` with `careTeam`):
// a change to an existing team checks the team under the case's row lock first.
describeConstraint('uq_case_care_team_members_active', {
  problem: CASE_ERRORS.alreadyOnCareTeam,
  detail: 'This staff member is already on the case’s care team.',
  field: 'staffId',
});
describeConstraint('uq_case_care_team_members_primary', {
  problem: CLIENT_ERRORS.primaryCounselorExists,
  detail: 'The case already has a primary counselor.',
  field: 'role',
});

interface ActiveMember {
  id: string;
  staff_id: string;
  role: CareTeamRole;
}

/** Team rows from `source` (the table, or the row just inserted) with each clinician's name. */
const viewSelect = (source: string) => `SELECT m.id, m.staff_id, s.first_name, s.last_name,
       s.role AS staff_role, m.role, m.added_at
  FROM ${source} m JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id`;

/**
 * The clinicians working on a case, kept with their history (`removed_at`, never deleted). Access
 * to the case is decided from the active rows at every request, so a change applies to the next one.
 * Who may change the team: a practice admin, and the case's own primary counselor or supervisor —
 * those answerable for the case. A co-therapist, a clinical supervisor reaching the case through a
 * supervisee, an emergency grant or an intake coordinator may read the team but not change it.
 */
@Injectable()
export class CaseCareTeamService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: CaseAccessService,
    private readonly careTeam: CareTeamService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: StaffActor, caseId: string): Promise<CaseCareTeamMemberView[]> {
    await this.access.require(actor, caseId, 'read');
    const rows = await this.txHost.tx.query<CareTeamMemberRow[]>(
      `${viewSelect('case_care_team_members')}
        WHERE m.practice_id = $1 AND m.case_id = $2 AND m.removed_at IS NULL
        ORDER BY m.role = 'primary_counselor' DESC, m.added_at, m.id`,
      [actor.practiceId, caseId],
    );
    await this.audit.record({
      action: 'read',
      resourceType: 'case_care_team',
      resourceId: caseId,
      metadata: { count: rows.length },
    });
    return rows.map(toView);
  }

  /**
   * Adds a clinician, or changes the role of one already on the team. A new primary counselor
   * replaces the current one in the same transaction, so the case never has two.
   */
  add(
    actor: StaffActor,
    caseId: string,
    dto: AddCaseCareTeamMemberDto,
  ): Promise<CaseCareTeamMemberView> {
    return this.txHost.withTransaction(async () => {
      const { team, status } = await this.forChange(actor, caseId);
      await this.careTeam.assertClinician(actor.practiceId, dto.staffId, 'staffId');
      const current = team.find((member) => member.staff_id === dto.staffId);
      if (current?.role === dto.role) {
        throw new ConflictProblem(
          CASE_ERRORS.alreadyOnCareTeam,
          'This staff member already has this role on the case’s care team.',
        );
      }
      if (current?.role === 'primary_counselor') assertMayLosePrimary(status, 'role');
      const previousPrimary =
        dto.role === 'primary_counselor'
          ? team.find((member) => member.role === 'primary_counselor')
          : undefined;
      const ending = [current, previousPrimary].filter((member) => member !== undefined);
      if (ending.length > 0) {
        await this.txHost.tx.query(
          `UPDATE case_care_team_members SET removed_at = now(), removed_by = $3
            WHERE practice_id = $1 AND id = ANY($2::uuid[])`,
          [actor.practiceId, ending.map((member) => member.id), actor.id],
        );
      }
      const [row] = await this.txHost.tx.query<CareTeamMemberRow[]>(
        `WITH added AS (
           INSERT INTO case_care_team_members (practice_id, case_id, staff_id, role, added_by)
           VALUES ($1, $2, $3, $4, $5) RETURNING *)
         ${viewSelect('added')}`,
        [actor.practiceId, caseId, dto.staffId, dto.role, actor.id],
      );
      await this.audit.record({
        action: 'create',
        resourceType: 'case_care_team_member',
        resourceId: row!.id,
        changedFields: ['staffId', 'role'],
        metadata: {
          caseId,
          role: dto.role,
          previousRole: current?.role ?? null,
          replacedPrimary: previousPrimary?.staff_id ?? null,
        },
      });
      return toView(row!);
    });
  }

  /** Ends a clinician's place on the team; the row stays as history. */
  remove(actor: StaffActor, caseId: string, staffId: string): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const { team, status } = await this.forChange(actor, caseId);
      const member = team.find((entry) => entry.staff_id === staffId);
      if (!member) throw new NotFoundProblem('The case care team member');
      if (member.role === 'primary_counselor') assertMayLosePrimary(status, 'staffId');
      await this.txHost.tx.query(
        `UPDATE case_care_team_members SET removed_at = now(), removed_by = $3
          WHERE practice_id = $1 AND id = $2`,
        [actor.practiceId, member.id, actor.id],
      );
      await this.audit.record({
        action: 'update',
        resourceType: 'case_care_team_member',
        resourceId: member.id,
        changedFields: ['removedAt'],
        metadata: { caseId, staffId, role: member.role },
      });
    });
  }

  /** Locks the case, checks the caller may change its team, and reads the active team. */
  private async forChange(
    actor: StaffActor,
    caseId: string,
  ): Promise<{ team: ActiveMember[]; status: CaseStatus }> {
    const { via, kase } = await this.access.require(actor, caseId, 'write', { forUpdate: true });
    const team = await this.txHost.tx.query<ActiveMember[]>(
      `SELECT id, staff_id, role FROM case_care_team_members
        WHERE practice_id = $1 AND case_id = $2 AND removed_at IS NULL`,
      [actor.practiceId, caseId],
    );
    if (!mayChangeTeam(actor, via, team)) {
      throw new ForbiddenProblem(
        'Only an admin, or the case’s primary counselor or supervisor, changes its care team.',
      );
    }
    return { team, status: kase.status };
  }
}

function mayChangeTeam(actor: StaffActor, via: AccessVia, team: ActiveMember[]): boolean {
  if (via === 'admin') return true;
  return (
    via === 'care_team' &&
    team.some(
      (member) =>
        member.staff_id === actor.id &&
        (member.role === 'primary_counselor' || member.role === 'supervisor'),
    )
  );
}

/** A case that is still being worked keeps a primary counselor: replace them, never just drop them. */
function assertMayLosePrimary(status: CaseStatus, field: string): void {
  if (status === 'closed') return;
  throw new UnprocessableProblem(
    CASE_ERRORS.primaryCounselorRequired,
    'The case must keep a primary counselor: name another primary counselor instead.',
    [{ field, message: 'is the primary counselor of a case that is not closed' }],
  );
}

function toView(row: CareTeamMemberRow): CaseCareTeamMemberView {
  return {
    id: row.id,
    staffId: row.staff_id,
    firstName: row.first_name,
    lastName: row.last_name,
    staffRole: row.staff_role,
    role: row.role,
    addedAt: new Date(row.added_at).toISOString(),
  };
}

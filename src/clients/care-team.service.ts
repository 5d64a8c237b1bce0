import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import { authorOf, type Caller, type StaffActor } from '../common/actor/actor';
import { describeConstraint } from '../common/problem/database-errors';
import { NotFoundProblem, UnprocessableProblem } from '../common/problem/problem';
import { CLIENT_ERRORS } from './client-errors';
import { AddCareTeamMemberDto, CareTeamMemberView, type CareTeamRole } from './dto/care-team.dto';
import type { CareTeamMemberRow as MemberRow } from './care-team.row';

describeConstraint('uq_care_team_members_active', {
  problem: CLIENT_ERRORS.alreadyOnCareTeam,
  detail: 'This staff member is already on the care team.',
  field: 'staffId',
});
describeConstraint('uq_care_team_members_primary', {
  problem: CLIENT_ERRORS.primaryCounselorExists,
  detail: 'The client already has a primary counselor.',
  field: 'role',
});

/** The staff working on a client: what access is decided by. */
@Injectable()
export class CareTeamService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: StaffActor, clientId: string): Promise<CareTeamMemberView[]> {
    await this.access.require(actor, clientId, 'read');
    const rows = await this.txHost.tx.query<MemberRow[]>(
      `SELECT m.id, m.staff_id, s.first_name, s.last_name, s.role AS staff_role, m.role, m.added_at
         FROM care_team_members m JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id
        WHERE m.practice_id = $1 AND m.client_id = $2 AND m.removed_at IS NULL
        ORDER BY m.role = 'primary_counselor' DESC, m.added_at, m.id`,
      [actor.practiceId, clientId],
    );
    await this.audit.record({
      action: 'read',
      resourceType: 'care_team',
      resourceId: clientId,
      clientId,
    });
    return rows.map(toView);
  }

  add(actor: StaffActor, clientId: string, dto: AddCareTeamMemberDto): Promise<CareTeamMemberView> {
    return this.txHost.withTransaction(async () => {
      await this.access.require(actor, clientId, 'write', { forUpdate: true });
      await this.assertClinician(actor.practiceId, dto.staffId, 'staffId');
      let replaced: string | null = null;
      if (dto.role === 'primary_counselor') {
        const [[previous]] = await this.txHost.tx.query<[{ staff_id: string }[], number]>(
          `UPDATE care_team_members SET removed_at = now(), removed_by = $3
            WHERE practice_id = $1 AND client_id = $2 AND role = 'primary_counselor' AND removed_at IS NULL
            RETURNING staff_id`,
          [actor.practiceId, clientId, actor.id],
        );
        replaced = previous?.staff_id ?? null;
      }
      const id = await this.insertMember(actor, clientId, dto.staffId, dto.role);
      await this.audit.record({
        action: 'create',
        resourceType: 'care_team_member',
        resourceId: id,
        clientId,
        changedFields: ['staffId', 'role'],
        metadata: { role: dto.role, replacedPrimary: replaced },
      });
      const [row] = await this.txHost.tx.query<MemberRow[]>(
        `SELECT m.id, m.staff_id, s.first_name, s.last_name, s.role AS staff_role, m.role, m.added_at
           FROM care_team_members m JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id
          WHERE m.practice_id = $1 AND m.id = $2`,
        [actor.practiceId, id],
      );
      return toView(row!);
    });
  }

  remove(actor: StaffActor, clientId: string, memberId: string): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const { client } = await this.access.require(actor, clientId, 'write', { forUpdate: true });
      const [member] = await this.txHost.tx.query<{ role: CareTeamRole }[]>(
        `SELECT role FROM care_team_members
          WHERE practice_id = $1 AND client_id = $2 AND id = $3 AND removed_at IS NULL`,
        [actor.practiceId, clientId, memberId],
      );
      if (!member) throw new NotFoundProblem('The care team member');
      if (member.role === 'primary_counselor' && client.status === 'active') {
        throw new UnprocessableProblem(
          CLIENT_ERRORS.primaryCounselorRequired,
          'An active client must keep a primary counselor: assign another primary counselor instead.',
        );
      }
      await this.txHost.tx.query(
        `UPDATE care_team_members SET removed_at = now(), removed_by = $4
          WHERE practice_id = $1 AND client_id = $2 AND id = $3`,
        [actor.practiceId, clientId, memberId, actor.id],
      );
      await this.audit.record({
        action: 'update',
        resourceType: 'care_team_member',
        resourceId: memberId,
        clientId,
        changedFields: ['removedAt'],
      });
    });
  }

  /** Care teams are made of active clinicians (counselors and supervisors) of the practice. */
  async assertClinician(practiceId: string, staffId: string, field: string): Promise<void> {
    const [staff] = await this.txHost.tx.query<{ role: string; active: boolean }[]>(
      `SELECT role, active FROM staff WHERE practice_id = $1 AND id = $2`,
      [practiceId, staffId],
    );
    if (!staff?.active || (staff.role !== 'counselor' && staff.role !== 'supervisor')) {
      throw new UnprocessableProblem(
        CLIENT_ERRORS.notAClinician,
        'Care team members must be active counselors or supervisors of this practice.',
        [{ field, message: 'must be an active counselor or supervisor of this practice' }],
      );
    }
  }

  async insertMember(
    actor: Caller,
    clientId: string,
    staffId: string,
    role: CareTeamRole,
  ): Promise<string> {
    const [row] = await this.txHost.tx.query<{ id: string }[]>(
      `INSERT INTO care_team_members (practice_id, client_id, staff_id, role, added_by) VALUES ($1, $2, $3, $4, $5)
       RETURNING id`,
      [actor.practiceId, clientId, staffId, role, authorOf(actor)],
    );
    return row!.id;
  }

  async assertHasPrimary(practiceId: string, clientId: string): Promise<void> {
    const [row] = await this.txHost.tx.query<{ present: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM care_team_members WHERE practice_id = $1 AND client_id = $2
                        AND role = 'primary_counselor' AND removed_at IS NULL) AS present`,
      [practiceId, clientId],
    );
    if (!row?.present) {
      throw new UnprocessableProblem(
        CLIENT_ERRORS.primaryCounselorRequired,
        'An active client needs a primary counselor on the care team.',
      );
    }
  }
}

function toView(row: MemberRow): CareTeamMemberView {
  return {
    id: row.id,
    staffId: row.staff_id,
    firstName: row.first_name,
    lastName: row.last_name,
    staffRole: row.staff_role,
    role: row.role,
    addedAt: row.added_at.toISOString(),
  };
}

import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { NotFoundProblem } from '../common/problem/problem';
import { queryPrepared } from '../common/sql/prepared';
import { SqlParams } from '../common/sql/sql-params';
import { caseloadTeams } from './caseload-teams';
// Like the client check, the case check reads (and locks) the case row in the same statement.
import { CASE_COLUMNS, type CaseRow } from '../cases/case.row';
import { practiceSettingSql } from '../practices/practice-settings';
import {
  decideClientAccess,
  type AccessVia,
  type ClientAccessFacts,
  type ClientNeed,
} from './client-access';

export interface CaseGrant {
  caseId: string;
  via: AccessVia;
  kase: CaseRow;
}

export class CaseNotFoundError extends NotFoundProblem {
  constructor() {
    super('The case');
  }
}

interface FactsRow extends CaseRow {
  access: Omit<ClientAccessFacts, 'status'>;
}

/**
 * Who may reach a case: the same rule as for a client (`decideClientAccess`, the one decision
 * point) over the case's own facts — its care team, supervisors of that team, an emergency grant
 * naming the case. Reaching a case never opens the individual charts of its clients: those stay
 * behind `ClientAccessService`.
 */
@Injectable()
export class CaseAccessService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  async require(
    actor: StaffActor,
    caseId: string,
    need: ClientNeed,
    options: { forUpdate?: boolean } = {},
  ): Promise<CaseGrant> {
    const row = await this.facts(actor, caseId, options.forUpdate ?? false);
    const via = row
      ? decideClientAccess(actor, { status: row.status, ...row.access }, need)
      : undefined;
    if (!row || !via) {
      return this.audit.denyAsNotFound(
        { resourceType: 'case', resourceId: caseId, clientId: null, metadata: { need } },
        new CaseNotFoundError(),
      );
    }
    const { access: _facts, ...kase } = row;
    return { caseId, via, kase };
  }

  /**
   * How the caller reaches a case, without recording a denial: for a record reachable by more than
   * one path (a joint session: through its case, or through its client's chart), whose last path
   * records the denial.
   */
  async reaches(
    actor: StaffActor,
    caseId: string,
    need: ClientNeed,
  ): Promise<AccessVia | undefined> {
    const row = await this.facts(actor, caseId, false);
    return row ? decideClientAccess(actor, { status: row.status, ...row.access }, need) : undefined;
  }

  private async facts(
    actor: StaffActor,
    caseId: string,
    forUpdate: boolean,
  ): Promise<FactsRow | undefined> {
    const [row] = await queryPrepared<FactsRow>(
      this.txHost.tx,
      `SELECT ${CASE_COLUMNS}, json_build_object(
              'onCareTeam', EXISTS (SELECT 1 FROM case_care_team_members m
                       WHERE m.practice_id = k.practice_id AND m.case_id = k.id AND m.staff_id = $3
                         AND m.removed_at IS NULL),
              'supervisesCareTeamMember', EXISTS (SELECT 1 FROM case_care_team_members m
                        JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id
                       WHERE m.practice_id = k.practice_id AND m.case_id = k.id AND m.removed_at IS NULL
                         AND s.supervisor_id = $3),
              'emergencyGrant', EXISTS (SELECT 1 FROM emergency_access_grants g
                       WHERE g.practice_id = k.practice_id AND g.case_id = k.id AND g.staff_id = $3
                         AND g.expires_at > now()),
              'adminClinicalAccess', ${practiceSettingSql('adminClinicalAccess')}
            ) AS access
         FROM cases k JOIN practices p ON p.id = k.practice_id
        WHERE k.practice_id = $1 AND k.id = $2
        ${forUpdate ? 'FOR UPDATE OF k' : ''}`,
      [actor.practiceId, caseId, actor.id],
    );
    return row;
  }

  /** The cases `require` would allow for `need`, over alias `k`, less those entered in error. */
  listScope(actor: StaffActor, params: SqlParams, need: ClientNeed): string {
    return `k.status <> 'entered_in_error' AND ${this.scope(actor, params, need)}`;
  }

  /**
   * {@link listScope} with the cases entered in error: for the change feed, the one list that still
   * names them, by id only, as tombstones.
   */
  scope(actor: StaffActor, params: SqlParams, need: ClientNeed): string {
    const clinical = need === 'readClinical' || need === 'writeClinical';
    // Parameters are added only where the condition names them: a statement whose parameter is
    // never named cannot be prepared (PostgreSQL cannot type it).
    const base = () => `k.practice_id = ${params.add(actor.practiceId)}`;
    switch (actor.role) {
      case 'counselor':
      case 'supervisor': {
        const practice = params.add(actor.practiceId);
        const me = params.add(actor.id);
        return `k.practice_id = ${practice} AND k.id IN (
          SELECT m.case_id FROM case_care_team_members m
           WHERE m.practice_id = ${practice} AND m.removed_at IS NULL
             AND m.staff_id = ANY (${caseloadTeams(practice, me)})
          UNION ALL
          SELECT g.case_id FROM emergency_access_grants g
           WHERE g.practice_id = ${practice} AND g.staff_id = ${me} AND g.case_id IS NOT NULL
             AND g.expires_at > now())`;
      }
      case 'intake_coordinator':
        return clinical ? 'false' : base();
      case 'admin':
        if (!clinical) return base();
        if (need === 'writeClinical') return 'false';
        return `${base()} AND EXISTS (SELECT 1 FROM practices p
                  WHERE p.id = k.practice_id AND ${practiceSettingSql('adminClinicalAccess')})`;
    }
  }
}

import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { ApiClientActor, Caller, StaffActor } from '../common/actor/actor';
import { NotFoundProblem } from '../common/problem/problem';
import { SqlParams } from '../common/sql/sql-params';
import { DEFAULT_PAGE_SIZE } from '../common/pagination/cursor';
// access → clients is the one upward import: the access check reads (and with `forUpdate` locks)
// the client's row in the same statement, and hands that row to the use case.
import { CLIENT_COLUMNS, type ClientRow } from '../clients/client.row';
import { practiceSettingSql } from '../practices/practice-settings';
import {
  decideClientAccess,
  type AccessVia,
  type ClientAccessFacts,
  type ClientNeed,
} from './client-access';
import { queryPrepared } from '../common/sql/prepared';
import { LISTED_CLIENT } from './listed-client';
import { caseloadTeams, supervisees } from './caseload-teams';

/** A list statement being assembled: its parameters, its WHERE conditions and its page size. */
export interface ListQuery {
  params: SqlParams;
  where: string[];
  limit: number;
}

/**
 * How a clinician's caseload is checked, all three selecting exactly the same clients:
 * - `set` (the default) joins the caseload as a set, as the planner sees fit (dashboards, which
 *   go through the whole caseload anyway);
 * - `ids` gathers the caseload's client ids first and reads those clients by key: a page over a
 *   caseload known to be small;
 * - `perRow` asks, for each candidate row the list's own index order produces, whether it belongs
 *   to the caseload, by index: a page over a large caseload then costs what the page reads.
 */
export type CaseloadCheck = 'set' | 'ids' | 'perRow';

/**
 * From this many care-team rows on, a page ordered by name reads fewer rows checking each
 * candidate than building the caseload: a page of 20 over a caseload that is a fraction f of the
 * practice reads about 20 / f candidates, against the caseload's size for the set.
 */
export const PER_ROW_CASELOAD = 1000;

/** The clients a clinician's unexpired emergency grants reach, the rest of their caseload. */
function grantedClients(practice: string, me: string): string {
  return `SELECT g.client_id FROM emergency_access_grants g
         WHERE g.practice_id = ${practice} AND g.staff_id = ${me} AND g.expires_at > now()`;
}

/**
 * What `care_team_goals` copies of a goal and its client: whose goal it is, and what says whether
 * it needs attention.
 */
const CARE_TEAM_GOAL_COLUMNS = [
  'practice_id',
  'client_id',
  'created_at',
  'start_date',
  'target_date',
  'achievement_status',
  'suggested_achievement_status',
  'last_check_in_at',
  'recent_check_in_at',
  'recent_kept_totals',
  'recent_missed_totals',
];
const careTeamGoalColumns = (alias: string) =>
  CARE_TEAM_GOAL_COLUMNS.map((column) => `${alias}.${column}`).join(', ');

/** Access granted to one client's record, for the use case that asked. */
export interface ClientGrant {
  clientId: string;
  via: AccessVia;
  /** The client's row as read (and locked, with `forUpdate`) by the access check itself. */
  client: ClientRow;
}

export class ClientNotFoundError extends NotFoundProblem {
  constructor() {
    super('The client');
  }
}

interface FactsRow extends ClientRow {
  access: Omit<ClientAccessFacts, 'status'>;
}

/**
 * The one place every feature asks whether the caller may reach a client's record. Single records
 * are decided from one query; lists are filtered by the same rule expressed as SQL, so a list can
 * never show what the detail view would refuse.
 */
@Injectable()
export class ClientAccessService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  /**
   * Decides access to one client, or records the denial and answers 404 (a client of another
   * practice, or out of reach, is indistinguishable from one that does not exist). With
   * `forUpdate` the client row stays locked until the caller's transaction ends.
   */
  async require(
    actor: Caller,
    clientId: string,
    need: ClientNeed,
    options: { forUpdate?: boolean } = {},
  ): Promise<ClientGrant> {
    const [row] =
      actor.kind === 'api_client'
        ? await this.apiClientFacts(actor, clientId, options)
        : await queryPrepared<FactsRow>(
            this.txHost.tx,
            `SELECT ${CLIENT_COLUMNS}, json_build_object(
              'onCareTeam', EXISTS (SELECT 1 FROM care_team_members m
                       WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.staff_id = $3
                         AND m.removed_at IS NULL),
              'supervisesCareTeamMember', EXISTS (SELECT 1 FROM care_team_members m
                        JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id
                       WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.removed_at IS NULL
                         AND s.supervisor_id = $3),
              'emergencyGrant', EXISTS (SELECT 1 FROM emergency_access_grants g
                       WHERE g.practice_id = c.practice_id AND g.client_id = c.id AND g.staff_id = $3
                         AND g.expires_at > now()),
              'adminClinicalAccess', ${practiceSettingSql('adminClinicalAccess')}
            ) AS access
         FROM clients c JOIN practices p ON p.id = c.practice_id
        WHERE c.practice_id = $1 AND c.id = $2
        ${options.forUpdate ? 'FOR UPDATE OF c' : ''}`,
            [actor.practiceId, clientId, actor.id],
          );
    const via = row
      ? decideClientAccess(actor, { status: row.status, ...row.access }, need)
      : undefined;
    if (!row || !via) {
      // Only a client of the caller's own practice is named in the event: an id from elsewhere is
      // not evidence about that client, and another practice's chain is not ours to write to.
      return this.audit.denyAsNotFound(
        {
          resourceType: 'client',
          resourceId: clientId,
          clientId: row ? clientId : null,
          metadata: { need },
        },
        new ClientNotFoundError(),
      );
    }
    const { access: _facts, ...client } = row;
    return { clientId, via, client };
  }

  /**
   * The predicate every list filters by, over the clients alias `c`: the clients `require` would
   * allow for `need`, less the records entered in error, which no list shows (an admin reads one
   * by its id only). A list that starts from this cannot forget either half.
   */
  listScope(
    actor: Caller,
    params: SqlParams,
    need: ClientNeed,
    check: CaseloadCheck = 'set',
  ): string {
    return `(${this.scope(actor, params, need, check)}) AND ${LISTED_CLIENT}`;
  }

  /**
   * The start of a list statement over clients `c`: fresh parameters, the WHERE conditions led by
   * {@link listScope}, and the page size asked for (or the default). Features push their filters.
   */
  listQuery(
    actor: Caller,
    need: ClientNeed,
    limit: number | undefined,
    check: CaseloadCheck = 'set',
  ): ListQuery {
    const params = new SqlParams();
    return {
      params,
      where: [this.listScope(actor, params, need, check)],
      limit: limit ?? DEFAULT_PAGE_SIZE,
    };
  }

  /**
   * SQL predicate over the clients alias `c` that holds for exactly the clients `require` would
   * allow for `need` had they not been entered in error. Not for lists (use `listScope`): for what
   * a viewer reaches on top of a list already scoped, and for the dashboard sections that have
   * never left entered-in-error records out.
   */
  scope(actor: Caller, params: SqlParams, need: ClientNeed, check: CaseloadCheck = 'set'): string {
    if (actor.kind === 'api_client') return this.apiCaseload(actor, params);
    const clinical = need === 'readClinical' || need === 'writeClinical';
    switch (actor.role) {
      case 'counselor':
      case 'supervisor':
        return check === 'perRow'
          ? this.caseloadPerRow(actor, params)
          : this.caseload(actor, params, check);
      case 'intake_coordinator':
        return clinical ? 'false' : `c.practice_id = ${params.add(actor.practiceId)}`;
      case 'admin':
        if (!clinical) return `c.practice_id = ${params.add(actor.practiceId)}`;
        if (need === 'writeClinical') return 'false';
        return `c.practice_id = ${params.add(actor.practiceId)} AND EXISTS (SELECT 1 FROM practices p
                  WHERE p.id = c.practice_id AND ${practiceSettingSql('adminClinicalAccess')})`;
    }
  }

  /**
   * How a page ordered by the list's own index should check the actor's caseload: `perRow` for a
   * clinician whose care teams (their own and their supervisees') reach {@link PER_ROW_CASELOAD}
   * rows, counted from the staff index and never past that many; `ids` below that; `set` for
   * everyone else (their scope is not a caseload).
   */
  async caseloadCheck(actor: Caller): Promise<CaseloadCheck> {
    if (actor.role !== 'counselor' && actor.role !== 'supervisor') return 'set';
    const [row] = await queryPrepared<{ n: number }>(
      this.txHost.tx,
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM care_team_members m
          WHERE m.practice_id = $1 AND m.removed_at IS NULL
            AND m.staff_id = ANY (${caseloadTeams('$1', '$2')})
          LIMIT $3) m`,
      [actor.practiceId, actor.id, PER_ROW_CASELOAD],
    );
    return row!.n >= PER_ROW_CASELOAD ? 'perRow' : 'ids';
  }

  /**
   * A clinician's caseload: their care teams, their supervisees' care teams, their emergency grants.
   * The team members are one array, so the care-team index is searched once per member rather than
   * the care teams scanned for either condition.
   */
  private caseload(actor: StaffActor, params: SqlParams, check: CaseloadCheck): string {
    const practice = params.add(actor.practiceId);
    const me = params.add(actor.id);
    if (check === 'ids') return this.caseloadIds(practice, me);
    return `c.practice_id = ${practice} AND c.id IN (
        SELECT m.client_id FROM care_team_members m
         WHERE m.practice_id = ${practice} AND m.removed_at IS NULL
           AND m.staff_id = ANY (${caseloadTeams(practice, me)})
        UNION ALL
        ${grantedClients(practice, me)})`;
  }

  /**
   * The clients of a clinician's caseload, once each, as rows of `client_id`, `status`,
   * `created_at` and `discharged_on`, or null for anyone whose scope is not a caseload. The care
   * teams' clients come from the care-team rows, which carry those columns of their client
   * (`ix_care_team_members_caseload`: one index range per team member); the emergency grants'
   * from the clients themselves. Records entered in error are kept: the caller lists or not.
   */
  caseloadClients(actor: Caller, params: SqlParams): string | null {
    if (actor.kind !== 'staff' || (actor.role !== 'counselor' && actor.role !== 'supervisor'))
      return null;
    const practice = params.add(actor.practiceId);
    const me = params.add(actor.id);
    return `SELECT m.client_id, m.client_status AS status, m.client_created_at AS created_at,
               m.client_discharged_on AS discharged_on
          FROM care_team_members m
         WHERE m.practice_id = ${practice} AND m.removed_at IS NULL AND m.staff_id = ANY (${caseloadTeams(practice, me)})
        UNION
        SELECT c.id, c.status, c.created_at, c.discharged_on FROM clients c
         WHERE c.practice_id = ${practice} AND c.id IN (${grantedClients(practice, me)})`;
  }

  /**
   * The active goals of the clients a clinician's caseload holds, as rows of `care_team_goals`'
   * columns (`goal_id`, `client_number`, `client_status`, `practice_id`, `client_id`, the goal's
   * attention columns as the goal names them), or null for anyone whose scope is not a caseload.
   * The care teams' goals are one range of that table's key per team member, side by side whatever
   * the size of the practice, their client's number and status included; the emergency grants'
   * come from the goals and their clients. A goal reached two ways comes twice. The clients' own
   * condition (listed or not) is the caller's, on the few rows it keeps.
   */
  caseloadGoals(actor: Caller, params: SqlParams): string | null {
    if (actor.kind !== 'staff' || (actor.role !== 'counselor' && actor.role !== 'supervisor'))
      return null;
    const practice = params.add(actor.practiceId);
    const me = params.add(actor.id);
    return `SELECT t.goal_id, t.client_number, t.client_status, ${careTeamGoalColumns('t')}
          FROM care_team_goals t
         WHERE t.practice_id = ${practice} AND t.staff_id = ANY (${caseloadTeams(practice, me)})
        UNION ALL
        SELECT g.id, c.client_number, c.status, ${careTeamGoalColumns('g')}
          FROM trust_goals g JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id
         WHERE g.practice_id = ${practice} AND g.lifecycle_status = 'active'
           AND g.client_id IN (${grantedClients(practice, me)})`;
  }

  /**
   * The facts for an API client: only whether the client is in its caseload. A statement of its
   * own, so that the staff statement (the read path's hot one) keeps its text and plan.
   */
  private apiClientFacts(
    actor: ApiClientActor,
    clientId: string,
    options: { forUpdate?: boolean },
  ): Promise<FactsRow[]> {
    return queryPrepared<FactsRow>(
      this.txHost.tx,
      `SELECT ${CLIENT_COLUMNS}, json_build_object(
              'onCareTeam', false, 'supervisesCareTeamMember', false, 'emergencyGrant', false,
              'adminClinicalAccess', false,
              'inApiCaseload', $3::uuid[] IS NULL OR EXISTS (SELECT 1 FROM care_team_members m
                       WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.removed_at IS NULL
                         AND m.staff_id = ANY ($3::uuid[]))
            ) AS access
         FROM clients c
        WHERE c.practice_id = $1 AND c.id = $2
        ${options.forUpdate ? 'FOR UPDATE OF c' : ''}`,
      [actor.practiceId, clientId, actor.caseloadStaffIds],
    );
  }

  /** An API client's caseload: the practice, or the care teams of the counselors it lists. */
  private apiCaseload(actor: ApiClientActor, params: SqlParams): string {
    const practice = params.add(actor.practiceId);
    if (!actor.caseloadStaffIds) return `c.practice_id = ${practice}`;
    return `c.practice_id = ${practice} AND c.id IN (
        SELECT m.client_id FROM care_team_members m
         WHERE m.practice_id = ${practice} AND m.removed_at IS NULL
           AND m.staff_id = ANY (${params.add(actor.caseloadStaffIds)}::uuid[]))`;
  }

  /**
   * The same caseload gathered first, its clients then read by key. The clinician's own care teams
   * are apart from their supervisees', so that range of the staff index is sized from the
   * statistics; the supervisees are sized alike for everyone (see `supervisees`).
   */
  private caseloadIds(practice: string, me: string): string {
    return `c.practice_id = ${practice} AND c.id = ANY (ARRAY(
        SELECT m.client_id FROM care_team_members m
         WHERE m.practice_id = ${practice} AND m.staff_id = ${me} AND m.removed_at IS NULL
        UNION ALL
        SELECT m.client_id FROM care_team_members m
         WHERE m.practice_id = ${practice} AND m.removed_at IS NULL
           AND m.staff_id = ANY (${supervisees(practice, me)})
        UNION ALL
        ${grantedClients(practice, me)}))`;
  }

  /**
   * The same caseload checked for one client row at a time, by the care-team and grant indexes.
   * `OFFSET 0` keeps PostgreSQL from turning the EXISTS back into a set it builds (hashes) whole.
   */
  private caseloadPerRow(actor: StaffActor, params: SqlParams): string {
    const practice = params.add(actor.practiceId);
    const me = params.add(actor.id);
    return `c.practice_id = ${practice} AND EXISTS (
        SELECT 1 FROM care_team_members m
         WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.removed_at IS NULL
           AND m.staff_id = ANY (${caseloadTeams(practice, me)})
        UNION ALL
        SELECT 1 FROM emergency_access_grants g
         WHERE g.practice_id = c.practice_id AND g.client_id = c.id AND g.staff_id = ${me} AND g.expires_at > now()
        OFFSET 0)`;
  }
}

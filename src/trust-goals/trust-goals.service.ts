import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RecordHolderAccessService } from '../access/record-holder-access.service';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { expectedVersion, PreconditionFailedProblem } from '../common/http/etag';
import {
  IdempotencyService,
  type CreatedResponse,
} from '../common/idempotency/idempotency.service';
import { describeConstraint } from '../common/problem/database-errors';
import { UnprocessableProblem, ValidationProblem } from '../common/problem/problem';
import { rowsOfManager } from '../common/sql/query-rows';
import { SqlParams } from '../common/sql/sql-params';
import { touchActivity } from '../clients/client-writes';
import { providedFields } from '../common/validation/transforms';
import { resolveParties } from '../parties/party';
import { holderAudit, holderIds, holderSql, type RecordHolder } from '../parties/record-holder';
import {
  ChangeGoalStatusDto,
  CreateTrustGoalDto,
  TrustGoalView,
  UpdateTrustGoalDto,
} from './dto/trust-goal.dto';
import { refreshGoalFigures } from './goal-figures';
import { GOAL_ERRORS, GoalNotFoundError } from './goal-errors';
import { assertGoalState, planStatusChange, PLANNABLE } from './goal-status';
import type { LifecycleStatus } from './goal-vocabulary';
import { GOAL_COLUMNS, type GoalRow } from './trust-goal.row';
import { TrustGoalsQueryService, type VersionedGoal } from './trust-goals-query.service';

describeConstraint('ck_trust_goals_dates', {
  problem: GOAL_ERRORS.invalidGoalDates,
  detail: 'The target date cannot be before the start date.',
  field: 'targetDate',
});

const COLUMNS: Record<keyof UpdateTrustGoalDto, string> = {
  strategy: 'strategy',
  description: 'description',
  baselineRating: 'baseline_rating',
  targetRating: 'target_rating',
  startDate: 'start_date',
  targetDate: 'target_date',
  priority: 'priority',
};
/** Closing a goal ends its commitments: nobody keeps a promise to a goal that is over. */
const CLOSED: readonly LifecycleStatus[] = ['completed', 'cancelled', 'entered_in_error'];

/**
 * Writing trust-rebuilding goals: clinical content, reached exactly when the record of its holder
 * (a client's chart, or a family case) is. Reads are in TrustGoalsQueryService.
 */
@Injectable()
export class TrustGoalsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: RecordHolderAccessService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly query: TrustGoalsQueryService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  create(
    actor: StaffActor,
    holder: RecordHolder,
    dto: CreateTrustGoalDto,
    key?: string,
  ): Promise<CreatedResponse<TrustGoalView> & { replayed: boolean }> {
    const scope = holder.kind === 'client' ? { clientId: holder.id } : { caseId: holder.id };
    return this.txHost.withTransaction(() =>
      this.idempotency.run(actor, key, { ...scope, ...dto }, async () => {
        await this.access.require(actor, holder, 'writeClinical', { forUpdate: true });
        const parties = await resolveParties(
          this.txHost.tx,
          actor.practiceId,
          holder,
          dto.parties,
          'parties',
        );
        if (parties.length < 2) {
          throw new UnprocessableProblem(
            GOAL_ERRORS.partiesNotDistinct,
            'A goal is between two parties.',
            [{ field: 'parties[1]', message: 'must be a different party from parties[0]' }],
          );
        }
        // A client's goal is filed under its client's individual case; a case's goal under the case.
        const personal = holder.kind === 'case';
        const [row] = await this.txHost.tx.query<{ id: string }[]>(
          `INSERT INTO trust_goals (practice_id, client_id, case_id, party_a_family_member_id, party_b_family_member_id,
                                    party_a_person_id, party_b_person_id, strategy, description, lifecycle_status,
                                    baseline_rating, target_rating, start_date, target_date, priority, created_by)
           SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                  coalesce($13::date, (now() AT TIME ZONE p.time_zone)::date), $14, $15, $16
             FROM practices p WHERE p.id = $1
           RETURNING id`,
          [
            actor.practiceId,
            personal ? null : holder.id,
            personal ? holder.id : null,
            personal ? null : parties[0],
            personal ? null : parties[1],
            personal ? parties[0] : null,
            personal ? parties[1] : null,
            dto.strategy,
            dto.description.trim(),
            dto.lifecycleStatus ?? 'proposed',
            dto.baselineRating,
            dto.targetRating,
            dto.startDate ?? null,
            dto.targetDate ?? null,
            dto.priority ?? 'medium',
            actor.id,
          ],
        );
        await this.touchClient({
          practice_id: actor.practiceId,
          client_id: scope.clientId ?? null,
        });
        await this.audit.record({
          action: 'create',
          resourceType: 'trust_goal',
          resourceId: row!.id,
          ...holderAudit(holder),
          changedFields: providedFields(dto),
        });
        const { view, etag } = await this.query.detail(actor.practiceId, holder, row!.id);
        return { body: view, etag };
      }),
    );
  }

  /** Edits a goal being planned or under way; If-Match keeps two edits from overwriting each other. */
  update(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
    dto: UpdateTrustGoalDto,
    ifMatch?: string,
  ): Promise<VersionedGoal> {
    return this.txHost.withTransaction(async () => {
      const goal = await this.lockForWrite(actor, holder, goalId);
      const expected = expectedVersion(ifMatch, goal.id, goal.version) ?? goal.version;
      assertGoalState(goal.lifecycle_status, PLANNABLE, 'be edited');
      const fields = providedFields(dto);
      if (fields.length === 0) {
        throw new ValidationProblem([
          { field: '(body)', message: 'must change at least one field' },
        ]);
      }
      const params = new SqlParams();
      const assignments = fields.map((field) => {
        const value = dto[field];
        return `${COLUMNS[field]} = ${params.add(typeof value === 'string' ? value.trim() : value)}`;
      });
      await this.bump(goal, expected, assignments.join(', '), params);
      if (fields.includes('targetRating')) await this.refreshFigures(goal);
      await this.audit.record({
        action: 'update',
        resourceType: 'trust_goal',
        resourceId: goalId,
        ...holderAudit(holder),
        changedFields: fields,
      });
      return this.query.detail(actor.practiceId, holder, goalId);
    });
  }

  /**
   * Moves the lifecycle and/or sets the clinician's achievement status (see goal-status.ts). The
   * suggested status is only ever applied through this call.
   */
  changeStatus(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
    dto: ChangeGoalStatusDto,
    ifMatch?: string,
  ): Promise<VersionedGoal> {
    return this.txHost.withTransaction(async () => {
      const goal = await this.lockForWrite(actor, holder, goalId);
      const expected = expectedVersion(ifMatch, goal.id, goal.version) ?? goal.version;
      const next = planStatusChange(
        { lifecycleStatus: goal.lifecycle_status, achievementStatus: goal.achievement_status },
        dto,
      );
      const params = new SqlParams();
      const assignments: string[] = [];
      const changed: string[] = [];
      if (dto.lifecycleStatus) {
        assignments.push(
          `lifecycle_status = ${params.add(next.lifecycleStatus)}`,
          `status_reason = ${params.add(dto.reason?.trim() ?? null)}`,
        );
        changed.push('lifecycleStatus', 'statusReason');
      }
      if (dto.achievementStatus) {
        assignments.push(
          `achievement_status = ${params.add(next.achievementStatus)}`,
          `achievement_set_by = ${params.add(actor.id)}`,
          `achievement_set_at = now()`,
        );
        changed.push('achievementStatus');
      }
      await this.bump(goal, expected, assignments.join(', '), params);
      const ended =
        dto.lifecycleStatus && CLOSED.includes(next.lifecycleStatus)
          ? await this.endCommitments(goal)
          : 0;
      await this.audit.record({
        action: 'status_change',
        resourceType: 'trust_goal',
        resourceId: goalId,
        changedFields: changed,
        ...holderAudit(holder, {
          from: goal.lifecycle_status,
          to: next.lifecycleStatus,
          achievementFrom: goal.achievement_status,
          achievementTo: next.achievementStatus,
          commitmentsEnded: ended,
        }),
      });
      await this.webhooks.emit('goal.status_changed', {
        practiceId: actor.practiceId,
        ...holderIds(holder),
        goalId,
      });
      return this.query.detail(actor.practiceId, holder, goalId);
    });
  }

  /**
   * For a write under the goal: checks `writeClinical` on its holder (audited 404 otherwise),
   * then locks the goal row until the transaction ends, or answers 404.
   */
  async lockForWrite(actor: StaffActor, holder: RecordHolder, goalId: string): Promise<GoalRow> {
    await this.access.require(actor, holder, 'writeClinical');
    const [goal] = await this.txHost.tx.query<GoalRow[]>(
      `SELECT ${GOAL_COLUMNS} FROM trust_goals g
        WHERE g.practice_id = $1 AND ${holderSql(holder, 'g', '$2')} AND g.id = $3 FOR UPDATE`,
      [actor.practiceId, holder.id, goalId],
    );
    if (!goal) throw new GoalNotFoundError();
    return goal;
  }

  /**
   * A new version of the goal: its ETag covers its commitments, milestones and derived figures,
   * so every write under it (a check-in, a paused commitment) changes the ETag too.
   */
  async bump(
    goal: GoalRow,
    expected = goal.version,
    assignments = '',
    params = new SqlParams(),
  ): Promise<void> {
    const practice = params.add(goal.practice_id);
    const id = params.add(goal.id);
    const version = params.add(expected);
    const rows = await this.txHost.tx.query<{ id: string }[]>(
      `WITH g AS (
         UPDATE trust_goals SET ${assignments ? `${assignments}, ` : ''}version = version + 1, updated_at = now()
          WHERE practice_id = ${practice} AND id = ${id} AND version = ${version} RETURNING id)
       SELECT id FROM g`,
      params.values,
    );
    if (rows.length === 0) throw new PreconditionFailedProblem();
  }

  /** Stores what the goal's check-ins add up to (see goal-figures.ts); the goal must be locked. */
  refreshFigures(goal: Pick<GoalRow, 'practice_id' | 'id'>): Promise<void> {
    return refreshGoalFigures(
      (sql, params) => this.txHost.tx.query(sql, params),
      goal.practice_id,
      [goal.id],
    );
  }

  /** Progress on a client's goal is activity on their chart (the clients list sorts by it). */
  async touchClient(goal: Pick<GoalRow, 'practice_id' | 'client_id'>): Promise<void> {
    if (goal.client_id === null) return;
    await touchActivity(rowsOfManager(this.txHost.tx), goal.practice_id, goal.client_id);
  }

  private async endCommitments(goal: GoalRow): Promise<number> {
    const rows = await this.txHost.tx.query<{ id: string }[]>(
      `WITH c AS (
         UPDATE goal_commitments SET status = 'ended', ended_at = now(), status_changed_at = now(),
                version = version + 1, updated_at = now()
          WHERE practice_id = $1 AND goal_id = $2 AND status <> 'ended' RETURNING id)
       SELECT id FROM c`,
      [goal.practice_id, goal.id],
    );
    return rows.length;
  }
}

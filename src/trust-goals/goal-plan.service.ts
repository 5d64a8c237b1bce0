import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import {
  IdempotencyService,
  type CreatedResponse,
} from '../common/idempotency/idempotency.service';
import { describeConstraint } from '../common/problem/database-errors';
import { providedFields } from '../common/validation/transforms';
import {
  AddCommitmentDto,
  AddMilestoneDto,
  CommitmentView,
  MilestoneView,
  ReachMilestoneDto,
} from './dto/goal-records.dto';
import {
  CommitmentNotFoundError,
  GOAL_ERRORS,
  MilestoneNotFoundError,
  MilestoneReachedError,
} from './goal-errors';
import {
  holderAudit,
  holderColumns,
  holderScope,
  type RecordHolder,
} from '../parties/record-holder';
import { assertGoalParties, assertNotFuture, resolveParty } from './goal-parties';
import { assertCommitmentTransition, assertGoalState, PLANNABLE, UNDER_WAY } from './goal-status';
import type { CommitmentStatus } from './goal-vocabulary';
import {
  commitmentJson,
  milestoneJson,
  toCommitmentView,
  toMilestoneView,
  type CommitmentJson,
  type MilestoneJson,
} from './trust-goal.row';
import { TrustGoalsService } from './trust-goals.service';

describeConstraint('ck_goal_commitments_owner', {
  problem: GOAL_ERRORS.partyNotOfGoal,
  detail: 'The owner of a commitment is one of the goal’s two parties.',
  field: 'owner',
});

type Created<T> = CreatedResponse<T> & { replayed: boolean };

/** The plan of a goal: the commitments its parties make and the milestones on the way. */
@Injectable()
export class GoalPlanService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly goals: TrustGoalsService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  addCommitment(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
    dto: AddCommitmentDto,
    key?: string,
  ): Promise<Created<CommitmentView>> {
    return this.txHost.withTransaction(() =>
      this.idempotency.run(actor, key, { ...holderScope(holder), goalId, ...dto }, async () => {
        const goal = await this.goals.lockForWrite(actor, holder, goalId);
        assertGoalState(goal.lifecycle_status, PLANNABLE, 'take new commitments');
        await resolveParty(this.txHost.tx, actor.practiceId, holder, dto.owner, 'owner');
        const [owner] = assertGoalParties(goal, [{ party: dto.owner, field: 'owner' }]);
        const [row] = await this.txHost.tx.query<{ item: CommitmentJson }[]>(
          `WITH c AS (
             INSERT INTO goal_commitments (practice_id, client_id, case_id, goal_id, owner_family_member_id,
                                           owner_person_id, description, cadence, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *)
           SELECT ${commitmentJson('c')} AS item FROM c`,
          [
            actor.practiceId,
            ...holderColumns(holder),
            goalId,
            holder.kind === 'client' ? (owner ?? null) : null,
            holder.kind === 'case' ? owner : null,
            dto.description.trim(),
            dto.cadence,
            actor.id,
          ],
        );
        await this.goals.bump(goal);
        await this.audit.record({
          action: 'create',
          resourceType: 'goal_commitment',
          resourceId: row!.item.id,
          changedFields: providedFields(dto),
          ...holderAudit(holder, { goalId }),
        });
        return { body: toCommitmentView(row!.item, holder.kind === 'case') };
      }),
    );
  }

  /** Pause (`paused`), resume (`active`) or end (`ended`) a commitment of a goal still open. */
  setCommitmentStatus(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
    commitmentId: string,
    to: CommitmentStatus,
  ): Promise<CommitmentView> {
    return this.txHost.withTransaction(async () => {
      const goal = await this.goals.lockForWrite(actor, holder, goalId);
      assertGoalState(goal.lifecycle_status, PLANNABLE, 'change its commitments');
      const [current] = await this.txHost.tx.query<{ status: CommitmentStatus }[]>(
        `SELECT status FROM goal_commitments WHERE practice_id = $1 AND goal_id = $2 AND id = $3 FOR UPDATE`,
        [actor.practiceId, goalId, commitmentId],
      );
      if (!current) throw new CommitmentNotFoundError();
      assertCommitmentTransition(current.status, to);
      const [row] = await this.txHost.tx.query<{ item: CommitmentJson }[]>(
        `WITH c AS (
           UPDATE goal_commitments SET status = $4, status_changed_at = now(),
                  ended_at = CASE WHEN $4 = 'ended' THEN now() END, version = version + 1, updated_at = now()
            WHERE practice_id = $1 AND goal_id = $2 AND id = $3 RETURNING *)
         SELECT ${commitmentJson('c')} AS item FROM c`,
        [actor.practiceId, goalId, commitmentId, to],
      );
      await this.goals.bump(goal);
      await this.audit.record({
        action: 'status_change',
        resourceType: 'goal_commitment',
        resourceId: commitmentId,
        changedFields: ['status'],
        ...holderAudit(holder, { goalId, from: current.status, to }),
      });
      return toCommitmentView(row!.item, holder.kind === 'case');
    });
  }

  addMilestone(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
    dto: AddMilestoneDto,
    key?: string,
  ): Promise<Created<MilestoneView>> {
    return this.txHost.withTransaction(() =>
      this.idempotency.run(actor, key, { ...holderScope(holder), goalId, ...dto }, async () => {
        const goal = await this.goals.lockForWrite(actor, holder, goalId);
        assertGoalState(goal.lifecycle_status, PLANNABLE, 'take new milestones');
        const [row] = await this.txHost.tx.query<{ item: MilestoneJson }[]>(
          `WITH m AS (
             INSERT INTO goal_milestones (practice_id, client_id, case_id, goal_id, title, description, target_date,
                                          created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
           SELECT ${milestoneJson('m')} AS item FROM m`,
          [
            actor.practiceId,
            ...holderColumns(holder),
            goalId,
            dto.title.trim(),
            dto.description?.trim() ?? null,
            dto.targetDate ?? null,
            actor.id,
          ],
        );
        await this.goals.bump(goal);
        await this.audit.record({
          action: 'create',
          resourceType: 'goal_milestone',
          resourceId: row!.item.id,
          changedFields: providedFields(dto),
          ...holderAudit(holder, { goalId }),
        });
        return { body: toMilestoneView(row!.item) };
      }),
    );
  }

  /**
   * Reaching a milestone is an event worth celebrating: recorded once (who, when, the celebration
   * note), audited as its own status change, and never undone — the database refuses any later change.
   */
  reachMilestone(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
    milestoneId: string,
    dto: ReachMilestoneDto,
  ): Promise<MilestoneView> {
    return this.txHost.withTransaction(async () => {
      const goal = await this.goals.lockForWrite(actor, holder, goalId);
      if (dto.reachedAt) assertNotFuture(dto.reachedAt, 'reachedAt');
      const [current] = await this.txHost.tx.query<{ reached_at: Date | null }[]>(
        `SELECT reached_at FROM goal_milestones WHERE practice_id = $1 AND goal_id = $2 AND id = $3 FOR UPDATE`,
        [actor.practiceId, goalId, milestoneId],
      );
      if (!current) throw new MilestoneNotFoundError();
      if (current.reached_at) throw new MilestoneReachedError(current.reached_at.toISOString());
      assertGoalState(goal.lifecycle_status, UNDER_WAY, 'reach a milestone');
      const [row] = await this.txHost.tx.query<{ item: MilestoneJson }[]>(
        `WITH m AS (
           UPDATE goal_milestones SET reached_at = coalesce($4::timestamptz, now()), reached_by = $5,
                  celebration_note = $6, version = version + 1, updated_at = now()
            WHERE practice_id = $1 AND goal_id = $2 AND id = $3 RETURNING *)
         SELECT ${milestoneJson('m')} AS item FROM m`,
        [
          actor.practiceId,
          goalId,
          milestoneId,
          dto.reachedAt ?? null,
          actor.id,
          dto.celebrationNote?.trim() ?? null,
        ],
      );
      await this.goals.bump(goal);
      await this.goals.touchClient(goal);
      await this.audit.record({
        action: 'status_change',
        resourceType: 'goal_milestone',
        resourceId: milestoneId,
        changedFields: ['reachedAt', ...(dto.celebrationNote ? ['celebrationNote'] : [])],
        ...holderAudit(holder, {
          goalId,
          from: 'pending',
          to: 'reached',
          event: 'milestone_reached',
        }),
      });
      return toMilestoneView(row!.item);
    });
  }
}

import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import {
  IdempotencyService,
  type CreatedResponse,
} from '../common/idempotency/idempotency.service';
import { describeConstraint } from '../common/problem/database-errors';
import { UnprocessableProblem, type FieldError } from '../common/problem/problem';
import { providedFields } from '../common/validation/transforms';
import { resolveParties } from '../parties/party';
import {
  holderAudit,
  holderColumns,
  holderIds,
  holderScope,
  type RecordHolder,
} from '../parties/record-holder';
import { AddCheckInDto, AddSetbackDto, CheckInView, SetbackView } from './dto/goal-records.dto';
import { GOAL_ERRORS } from './goal-errors';
import { assertGoalParties, assertNotFuture } from './goal-parties';
import { assertGoalState, UNDER_WAY } from './goal-status';
import {
  checkInJson,
  setbackJson,
  toCheckInView,
  toSetbackView,
  type CheckInJson,
  type GoalRow,
  type SetbackJson,
} from './trust-goal.row';
import { TrustGoalsService } from './trust-goals.service';

describeConstraint('fk_goal_check_ins_session', {
  problem: GOAL_ERRORS.sessionNotOfClient,
  detail: 'The session is not one of this client’s sessions.',
  field: 'sessionId',
});
describeConstraint('ck_goal_check_in_ratings_party', {
  problem: GOAL_ERRORS.partyNotOfGoal,
  detail: 'Ratings are given by the goal’s two parties.',
  field: 'ratings',
});
describeConstraint('fk_goal_setbacks_boundary_violation', {
  problem: GOAL_ERRORS.violationNotOfClient,
  detail: 'The boundary violation is not one logged for this client.',
  field: 'boundaryViolationId',
});
describeConstraint('fk_goal_setbacks_case_boundary_violation', {
  problem: GOAL_ERRORS.violationNotOfClient,
  detail: 'The boundary violation is not one logged for this case.',
  field: 'boundaryViolationId',
});
describeConstraint('fk_goal_setbacks_commitment', {
  problem: GOAL_ERRORS.commitmentNotOfGoal,
  detail: 'The commitment is not one of this goal’s.',
  field: 'commitmentId',
});

type Created<T> = CreatedResponse<T> & { replayed: boolean };

/**
 * The record of a goal under way: check-ins and setbacks. Both are append-only (the database
 * refuses to change or remove them): a setback is part of the story, never a reset of it.
 */
@Injectable()
export class GoalProgressService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly goals: TrustGoalsService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  /** A dated check-in: each party's rating, commitments kept and missed since the last one. */
  addCheckIn(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
    dto: AddCheckInDto,
    key?: string,
  ): Promise<Created<CheckInView>> {
    return this.txHost.withTransaction(() =>
      this.idempotency.run(actor, key, { ...holderScope(holder), goalId, ...dto }, async () => {
        const goal = await this.goals.lockForWrite(actor, holder, goalId);
        assertGoalState(goal.lifecycle_status, UNDER_WAY, 'take a check-in');
        assertNotFuture(dto.occurredAt, 'occurredAt');
        if (dto.sessionId && holder.kind === 'case')
          await this.assertCaseSession(goal, dto.sessionId);
        const ratings = dto.ratings ?? [];
        await resolveParties(this.txHost.tx, actor.practiceId, holder, ratings, 'ratings');
        const parties = assertGoalParties(
          goal,
          ratings.map((party, index) => ({ party, field: `ratings[${index}]` })),
        );
        const [checkIn] = await this.txHost.tx.query<{ id: string }[]>(
          `INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, session_id, commitments_kept,
                                       commitments_missed, note, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [
            actor.practiceId,
            goal.client_id,
            goalId,
            dto.occurredAt,
            dto.sessionId ?? null,
            dto.commitmentsKept ?? 0,
            dto.commitmentsMissed ?? 0,
            dto.note?.trim() ?? null,
            actor.id,
          ],
        );
        await this.txHost.tx.query(
          `INSERT INTO goal_check_in_ratings (practice_id, goal_id, check_in_id, family_member_id, person_id, rating)
           SELECT $1, $2, $3, CASE WHEN $6 THEN NULL ELSE party END, CASE WHEN $6 THEN party END, rating
             FROM unnest($4::uuid[], $5::smallint[]) AS r (party, rating)`,
          [
            actor.practiceId,
            goalId,
            checkIn!.id,
            parties,
            ratings.map((r) => r.rating),
            holder.kind === 'case',
          ],
        );
        await this.goals.refreshFigures(goal);
        await this.goals.bump(goal);
        await this.goals.touchClient(goal);
        await this.audit.record({
          action: 'create',
          resourceType: 'goal_check_in',
          resourceId: checkIn!.id,
          changedFields: providedFields(dto),
          ...holderAudit(holder, { goalId, ratings: ratings.length }),
        });
        await this.webhooks.emit('checkin.recorded', {
          practiceId: actor.practiceId,
          ...holderIds(holder),
          goalId,
          checkInId: checkIn!.id,
        });
        const [row] = await this.txHost.tx.query<{ item: CheckInJson }[]>(
          `SELECT ${checkInJson('ci', 'p.time_zone')} AS item
             FROM goal_check_ins ci JOIN practices p ON p.id = ci.practice_id
            WHERE ci.practice_id = $1 AND ci.id = $2`,
          [actor.practiceId, checkIn!.id],
        );
        return { body: toCheckInView(row!.item, holder.kind === 'case') };
      }),
    );
  }

  /** Relapse, broken commitment, boundary violation (linked), escalated conflict, discovered lie… */
  addSetback(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
    dto: AddSetbackDto,
    key?: string,
  ): Promise<Created<SetbackView>> {
    return this.txHost.withTransaction(() =>
      this.idempotency.run(actor, key, { ...holderScope(holder), goalId, ...dto }, async () => {
        const goal = await this.goals.lockForWrite(actor, holder, goalId);
        assertGoalState(goal.lifecycle_status, UNDER_WAY, 'record a setback');
        assertNotFuture(dto.occurredAt, 'occurredAt');
        assertLinks(dto);
        const [row] = await this.txHost.tx.query<{ item: SetbackJson }[]>(
          `WITH s AS (
             INSERT INTO goal_setbacks (practice_id, client_id, case_id, goal_id, kind, severity, occurred_at, description,
                                        response_plan, boundary_violation_id, commitment_id, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *)
           SELECT ${setbackJson('s', 'p.time_zone')} AS item FROM s JOIN practices p ON p.id = s.practice_id`,
          [
            actor.practiceId,
            ...holderColumns(holder),
            goalId,
            dto.kind,
            dto.severity,
            dto.occurredAt,
            dto.description.trim(),
            dto.responsePlan.trim(),
            dto.boundaryViolationId ?? null,
            dto.commitmentId ?? null,
            actor.id,
          ],
        );
        await this.goals.bump(goal);
        await this.goals.touchClient(goal);
        // The kind and severity stay out of the audit metadata: "relapse" is clinical content.
        await this.audit.record({
          action: 'create',
          resourceType: 'goal_setback',
          resourceId: row!.item.id,
          changedFields: providedFields(dto),
          ...holderAudit(holder, { goalId }),
        });
        return { body: toSetbackView(row!.item) };
      }),
    );
  }

  /**
   * A case's goal has no chart for the session key to check against: its session must be one of
   * the case's own.
   */
  private async assertCaseSession(goal: GoalRow, sessionId: string): Promise<void> {
    const [session] = await this.txHost.tx.query<{ id: string }[]>(
      `SELECT id FROM therapy_sessions WHERE practice_id = $1 AND id = $2 AND case_id = $3`,
      [goal.practice_id, sessionId, goal.case_id],
    );
    if (!session) {
      throw new UnprocessableProblem(
        GOAL_ERRORS.sessionNotOfCase,
        'The session is not one of this case’s sessions.',
        [{ field: 'sessionId', message: 'is not a session of this case' }],
      );
    }
  }
}

/** A boundary-violation setback names the violation; a broken commitment may name the commitment. */
function assertLinks(dto: AddSetbackDto): void {
  const errors: FieldError[] = [];
  if (dto.kind === 'boundary_violation' && !dto.boundaryViolationId) {
    errors.push({ field: 'boundaryViolationId', message: 'is required for a boundary violation' });
  }
  if (dto.kind !== 'boundary_violation' && dto.boundaryViolationId) {
    errors.push({
      field: 'boundaryViolationId',
      message: 'is only given for a boundary violation',
    });
  }
  if (dto.kind !== 'broken_commitment' && dto.commitmentId) {
    errors.push({ field: 'commitmentId', message: 'is only given for a broken commitment' });
  }
  if (errors.length > 0) {
    throw new UnprocessableProblem(
      GOAL_ERRORS.setbackLinks,
      'The setback’s links do not match its kind.',
      errors,
    );
  }
}

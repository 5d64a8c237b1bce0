import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RecordHolderAccessService } from '../access/record-holder-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { partyViewOf } from '../parties/party';
import { holderAudit, holderSql, type RecordHolder } from '../parties/record-holder';
import { GoalTimelineView, TIMELINE_EVENT_TYPES, TimelineEventView } from './dto/goal-timeline.dto';
import { GoalNotFoundError } from './goal-errors';
import {
  checkInJson,
  GOAL_COLUMNS,
  goalParties,
  byPerson,
  milestoneJson,
  setbackJson,
  toCheckInView,
  toMilestoneView,
  toSetbackView,
  type TimelineRow,
} from './trust-goal.row';

/** A goal's story in time order, shaped for a chart: rating lines, setback and milestone markers. */
@Injectable()
export class GoalTimelineService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: RecordHolderAccessService,
    private readonly audit: AuditService,
  ) {}

  async timeline(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
  ): Promise<GoalTimelineView> {
    await this.access.require(actor, holder, 'readClinical');
    const [goal] = await this.txHost.tx.query<TimelineRow[]>(
      `SELECT ${GOAL_COLUMNS},
              coalesce((SELECT json_agg(${checkInJson('ci', 'p.time_zone')} ORDER BY ci.occurred_at, ci.created_at, ci.id)
                          FROM goal_check_ins ci WHERE ci.practice_id = g.practice_id AND ci.goal_id = g.id),
                       '[]'::json) AS check_ins,
              coalesce((SELECT json_agg(${setbackJson('s', 'p.time_zone')} ORDER BY s.occurred_at, s.created_at, s.id)
                          FROM goal_setbacks s WHERE s.practice_id = g.practice_id AND s.goal_id = g.id),
                       '[]'::json) AS setbacks,
              coalesce((SELECT json_agg((${milestoneJson('m')})::jsonb
                                 || jsonb_build_object('reachedOn', (m.reached_at AT TIME ZONE p.time_zone)::date)
                                 ORDER BY m.reached_at, m.target_date NULLS LAST, m.created_at, m.id)
                          FROM goal_milestones m WHERE m.practice_id = g.practice_id AND m.goal_id = g.id),
                       '[]'::json) AS milestones
         FROM trust_goals g JOIN practices p ON p.id = g.practice_id
        WHERE g.practice_id = $1 AND ${holderSql(holder, 'g', '$2')} AND g.id = $3`,
      [actor.practiceId, holder.id, goalId],
    );
    if (!goal) throw new GoalNotFoundError();
    await this.audit.record({
      action: 'read',
      resourceType: 'trust_goal',
      resourceId: goalId,
      ...holderAudit(holder, { view: 'timeline' }),
    });
    return toTimeline(goal);
  }
}

function toTimeline(goal: TimelineRow): GoalTimelineView {
  const personal = byPerson(goal);
  const checkIns = goal.check_ins.map((checkIn) => toCheckInView(checkIn, personal));
  const reached = goal.milestones.filter((m) => m.reachedAt !== null && m.reachedOn !== null);
  const events: TimelineEventView[] = [
    ...checkIns.map((checkIn) => ({
      type: 'check_in' as const,
      id: checkIn.id,
      at: checkIn.occurredAt,
      on: checkIn.occurredOn,
      checkIn,
    })),
    ...goal.setbacks.map(toSetbackView).map((setback) => ({
      type: 'setback' as const,
      id: setback.id,
      at: setback.occurredAt,
      on: setback.occurredOn,
      setback,
    })),
    ...reached.map(({ reachedOn, ...json }) => {
      const milestone = toMilestoneView(json);
      return {
        type: 'milestone' as const,
        id: milestone.id,
        at: milestone.reachedAt!,
        on: reachedOn!,
        milestone,
      };
    }),
  ];
  // In time order; at the same instant, check-in before setback before milestone (stable within each).
  events.sort(
    (a, b) =>
      a.at.localeCompare(b.at) ||
      TIMELINE_EVENT_TYPES.indexOf(a.type) - TIMELINE_EVENT_TYPES.indexOf(b.type),
  );
  return {
    goalId: goal.id,
    baselineRating: goal.baseline_rating,
    targetRating: goal.target_rating,
    startDate: goal.start_date,
    targetDate: goal.target_date,
    events,
    ratingSeries: goalParties(goal).map((party) => ({
      ...partyViewOf(party, personal),
      points: checkIns.flatMap((checkIn) =>
        checkIn.ratings
          .filter((r) => (personal ? r.personId : r.familyMemberId) === party)
          .map((r) => ({
            checkInId: checkIn.id,
            at: checkIn.occurredAt,
            on: checkIn.occurredOn,
            rating: r.rating,
          })),
      ),
    })),
    upcomingMilestones: goal.milestones
      .filter((m) => m.reachedAt === null)
      .map(({ reachedOn: _reachedOn, ...json }) => toMilestoneView(json)),
  };
}

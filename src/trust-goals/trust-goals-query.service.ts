import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RecordHolderAccessService } from '../access/record-holder-access.service';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { etagOf, type Versioned } from '../common/http/etag';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  toPage,
  timestampCursorSql,
} from '../common/pagination/cursor';
import { SqlParams } from '../common/sql/sql-params';
import { holderAudit, holderSql, type RecordHolder } from '../parties/record-holder';
import {
  FiguresQueryDto,
  ListTrustGoalsQueryDto,
  TrustGoalPage,
  TrustGoalView,
} from './dto/trust-goal.dto';
import { GoalNotFoundError } from './goal-errors';
import { GOAL_DETAIL_COLUMNS, goalParties, toGoalView, type GoalDetailRow } from './trust-goal.row';
import { computeTrustMetrics, DEFAULT_TREND_WINDOW } from './trust-metrics';

export type VersionedGoal = Versioned<TrustGoalView>;

/**
 * Reading the goals of a client or of a case, each with its derived figures computed from its check-ins as read
 * (trust-metrics.ts): one statement for the goal, its commitments, milestones and check-in facts.
 */
@Injectable()
export class TrustGoalsQueryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: RecordHolderAccessService,
    private readonly audit: AuditService,
  ) {}

  async list(
    actor: StaffActor,
    holder: RecordHolder,
    query: ListTrustGoalsQueryDto,
  ): Promise<TrustGoalPage> {
    await this.access.require(actor, holder, 'readClinical');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params = new SqlParams();
    const where = [
      `g.practice_id = ${params.add(actor.practiceId)}`,
      holderSql(holder, 'g', params.add(holder.id)),
    ];
    where.push(
      query.lifecycleStatus
        ? `g.lifecycle_status = ${params.add(query.lifecycleStatus)}`
        : `g.lifecycle_status <> 'entered_in_error'`,
    );
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      where.push(
        `(g.created_at, g.id) > (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`,
      );
    }
    const rows = await this.txHost.tx.query<(GoalDetailRow & { cursor_at: string })[]>(
      `SELECT ${GOAL_DETAIL_COLUMNS},
              ${timestampCursorSql('g.created_at')} AS cursor_at
         FROM trust_goals g JOIN practices p ON p.id = g.practice_id
        WHERE ${where.join(' AND ')}
        ORDER BY g.created_at, g.id LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.cursor_at, row.id]);
    await this.audit.record({
      action: 'list',
      resourceType: 'trust_goal',
      ...holderAudit(holder, { count: page.data.length }),
    });
    return {
      data: page.data.map((row) => withFigures(row).view),
      nextCursor: page.nextCursor,
    };
  }

  async get(
    actor: StaffActor,
    holder: RecordHolder,
    goalId: string,
    figures: FiguresQueryDto = {},
  ): Promise<VersionedGoal> {
    await this.access.require(actor, holder, 'readClinical');
    const goal = await this.detail(actor.practiceId, holder, goalId, figures);
    await this.audit.record({
      action: 'read',
      resourceType: 'trust_goal',
      resourceId: goalId,
      ...holderAudit(holder),
    });
    return goal;
  }

  /** One goal of this holder, as its view and ETag (no access check, no audit: the caller's job). */
  async detail(
    practiceId: string,
    holder: RecordHolder,
    goalId: string,
    figures: FiguresQueryDto = {},
  ): Promise<VersionedGoal> {
    const [row] = await this.txHost.tx.query<GoalDetailRow[]>(
      `SELECT ${GOAL_DETAIL_COLUMNS} FROM trust_goals g JOIN practices p ON p.id = g.practice_id
        WHERE g.practice_id = $1 AND ${holderSql(holder, 'g', '$2')} AND g.id = $3`,
      [practiceId, holder.id, goalId],
    );
    if (!row) throw new GoalNotFoundError();
    return withFigures(row, figures);
  }
}

function withFigures(row: GoalDetailRow, query: FiguresQueryDto = {}): VersionedGoal {
  const trendWindow = query.trendWindow ?? DEFAULT_TREND_WINDOW;
  const figures = computeTrustMetrics({
    parties: goalParties(row),
    targetRating: row.target_rating,
    checkIns: row.check_ins,
    today: row.today,
    trendWindow,
    reliabilityWindowDays: query.reliabilityWindowDays,
  });
  return { view: toGoalView(row, figures, trendWindow), etag: etagOf(row.id, row.version) };
}

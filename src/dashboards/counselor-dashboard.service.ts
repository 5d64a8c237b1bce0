import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import type { StaffActor } from '../common/actor/actor';
import { toPartyView, type PartyId, type PartyView } from '../parties/party';
import {
  CONTEXT_SQL,
  resolveSubject,
  type ContextRow,
  type DashboardContext,
} from './dashboard-subject';
import { DashboardQueries, type Row } from './dashboard-queries';
import { DashboardEventView, DashboardView, NoteTaskView } from './dashboard.dto';
import { queryPrepared } from '../common/sql/prepared';

const iso = (value: unknown): string | null =>
  value instanceof Date
    ? value.toISOString()
    : typeof value === 'string'
      ? new Date(value).toISOString()
      : null;

/**
 * What a counselor opens every morning, in one response. The sections are independent reads, so
 * they run concurrently; each is one statement, and the whole call costs the same number of
 * statements for 5 clients as for 500.
 */
@Injectable()
export class CounselorDashboardService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly queries: DashboardQueries,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async dashboard(actor: StaffActor, counselorId?: string): Promise<DashboardView> {
    const ctx = await this.context(actor, counselorId);
    const [caseload, schedule, notes, goals, celebrations, setbacks, boundaries, grants] =
      await Promise.all([
        this.queries.caseload(ctx),
        this.queries.schedule(ctx),
        this.queries.notes(ctx),
        this.queries.goalsNeedingAttention(ctx),
        this.queries.celebrations(ctx),
        this.queries.setbacks(ctx),
        this.queries.boundaries(ctx),
        this.queries.emergencyGrants(ctx),
      ]);
    const byStatus = Object.fromEntries(caseload.map((row) => [row.status, row.n]));
    const noteTasks = (kind: string): NoteTaskView[] =>
      notes
        .filter((row) => row.kind === kind)
        .map((row) => ({
          sessionId: String(row.session_id),
          clientId: String(row.client_id),
          sessionEndedAt: iso(row.ends_at)!,
          noteStatus: (row.note_status as string | null) ?? null,
          overdue: Boolean(row.overdue),
          authorId: (row.author_id as string | null) ?? null,
        }));
    const view: DashboardView = {
      counselorId: ctx.subject.id,
      today: ctx.today,
      timeZone: ctx.timeZone,
      caseload: {
        byStatus,
        total: caseload.reduce((sum, row) => sum + row.n, 0),
        newThisMonth: caseload.reduce((sum, row) => sum + row.new_this_month, 0),
        dischargedThisMonth: caseload.reduce((sum, row) => sum + row.discharged_this_month, 0),
      },
      schedule: schedule.map((row) => ({
        id: String(row.id),
        day: String(row.day),
        startsAt: iso(row.starts_at)!,
        endsAt: iso(row.ends_at)!,
        clientId: String(row.client_id),
        clientNumber: String(row.client_number),
        initials: String(row.initials),
        caseType: (row.case_type as string | null) ?? null,
        caseMemberInitials: (row.member_initials as string[] | null) ?? [],
        modality: String(row.modality),
        setting: String(row.setting),
        status: String(row.status),
        expectedAttendees: (row.expected as { party: string; familyMemberId: PartyId }[]).map(
          (p): PartyView => toPartyView(p.familyMemberId),
        ),
      })),
      notes: {
        toWrite: noteTasks('to_write'),
        awaitingMyCosignature: noteTasks('awaiting_my_cosign'),
        returnedToMe: noteTasks('returned_to_me'),
      },
      goalsNeedingAttention: goals.map((row) => ({
        goalId: row.id,
        clientId: row.client_id,
        caseId: row.case_id,
        reasons: row.reasons,
      })),
      celebrate: celebrations.map(toEvent),
      setbacks: setbacks.map(toEvent),
      boundaries: {
        recentViolations: boundaries.filter((row) => row.kind === 'violation').map(toEvent),
        awaitingAcknowledgment: boundaries
          .filter((row) => row.kind === 'awaiting_acknowledgment')
          .map(toEvent),
        dueForReview: boundaries.filter((row) => row.kind === 'review_due').map(toEvent),
      },
      emergencyAccess: grants.map((row) => ({
        id: String(row.id),
        clientId: String(row.client_id),
        staffId: String(row.staff_id),
        staffName: String(row.staff_name),
        reason: String(row.reason),
        grantedAt: iso(row.granted_at)!,
        expiresAt: iso(row.expires_at)!,
      })),
    };
    await this.auditShown(view, ctx.subject.id);
    return view;
  }

  async context(actor: StaffActor, counselorId?: string): Promise<DashboardContext> {
    const now = this.clock.now();
    const [row] = await queryPrepared<ContextRow>(this.txHost.tx, CONTEXT_SQL, [
      actor.practiceId,
      counselorId ?? actor.id,
      now,
    ]);
    const subject = resolveSubject(actor, counselorId, row!);
    return {
      subject,
      viewer: actor,
      timeZone: row!.time_zone,
      now,
      today: row!.today,
      monthStart: row!.month_start,
      noteOverdueHours: row!.note_overdue_hours,
      stallDays: row!.stall_days,
      reviewNoticeDays: row!.review_notice_days,
    };
  }

  /**
   * The dashboard discloses what it shows of each client: one read event listing them all, and
   * the cases whose own records it shows.
   */
  private async auditShown(view: DashboardView, subjectId: string): Promise<void> {
    const held = [
      ...view.goalsNeedingAttention,
      ...view.celebrate,
      ...view.setbacks,
      ...view.boundaries.recentViolations,
      ...view.boundaries.awaitingAcknowledgment,
      ...view.boundaries.dueForReview,
    ];
    const cases = [...new Set(held.flatMap((r) => (r.caseId ? [r.caseId] : [])))].sort();
    const clients = new Set<string | null>([
      ...view.schedule.map((s) => s.clientId),
      ...view.notes.toWrite.map((n) => n.clientId),
      ...view.notes.awaitingMyCosignature.map((n) => n.clientId),
      ...view.notes.returnedToMe.map((n) => n.clientId),
      ...view.goalsNeedingAttention.map((g) => g.clientId),
      ...view.celebrate.map((e) => e.clientId),
      ...view.setbacks.map((e) => e.clientId),
      ...view.boundaries.recentViolations.map((e) => e.clientId),
      ...view.boundaries.awaitingAcknowledgment.map((e) => e.clientId),
      ...view.boundaries.dueForReview.map((e) => e.clientId),
      ...view.emergencyAccess.map((e) => e.clientId),
    ]);
    clients.delete(null);
    await this.audit.record({
      action: 'read',
      resourceType: 'dashboard',
      resourceId: subjectId,
      clientIds: [...(clients as Set<string>)].sort(),
      ...(cases.length > 0 ? { metadata: { caseIds: cases } } : {}),
    });
  }
}

function toEvent(row: Row): DashboardEventView {
  return {
    kind: (row.kind as string | undefined) ?? 'setback',
    id: String(row.id),
    clientId: (row.client_id as string | null) ?? null,
    caseId: (row.case_id as string | null) ?? null,
    goalId: (row.goal_id as string | undefined) ?? null,
    agreementId: (row.agreement_id as string | undefined) ?? null,
    title: (row.title as string | undefined) ?? null,
    severity: (row.severity as string | undefined) ?? null,
    at: iso(row.at ?? row.occurred_at),
    reviewDate: (row.review_date as string | undefined) ?? null,
  };
}

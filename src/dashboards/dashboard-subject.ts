import type { StaffActor, StaffRole } from '../common/actor/actor';
import { ForbiddenProblem, NotFoundProblem } from '../common/problem/problem';
import { practiceSettingSql } from '../practices/practice-settings';

/** Whose dashboard it is, and the practice's calendar facts it is computed against. */
export interface DashboardContext {
  /** The staff member the dashboard describes, as an actor (their caseload is what they reach). */
  subject: StaffActor;
  /** Who is looking: a supervisor or admin looking at someone else's dashboard sees only what they reach too. */
  viewer: StaffActor;
  timeZone: string;
  /** The instant the dashboard is computed at (the application's clock). */
  now: Date;
  /** Today in the practice's time zone, `YYYY-MM-DD`. */
  today: string;
  monthStart: string;
  /** The practice's limits, with their defaults. */
  noteOverdueHours: number;
  stallDays: number;
  reviewNoticeDays: number;
}

export interface ContextRow {
  time_zone: string;
  today: string;
  month_start: string;
  week_start: string;
  note_overdue_hours: number;
  stall_days: number;
  review_notice_days: number;
  subject_role: StaffRole | null;
  subject_supervisor_id: string | null;
  subject_active: boolean | null;
}

/**
 * One query: the practice's time zone and limits, and the requested subject (if any). `$3` is
 * "now" from the application's clock, so that the calendar facts agree with the sections.
 */
export const CONTEXT_SQL = `
  SELECT p.time_zone,
         ($3::timestamptz AT TIME ZONE p.time_zone)::date::text AS today,
         date_trunc('month', $3::timestamptz AT TIME ZONE p.time_zone)::date::text AS month_start,
         date_trunc('week', $3::timestamptz AT TIME ZONE p.time_zone)::date::text AS week_start,
         ${practiceSettingSql('noteOverdueHours')} AS note_overdue_hours,
         ${practiceSettingSql('goalStallDays')} AS stall_days,
         ${practiceSettingSql('boundaryReviewNoticeDays')} AS review_notice_days,
         s.role AS subject_role, s.supervisor_id AS subject_supervisor_id, s.active AS subject_active
    FROM practices p LEFT JOIN staff s ON s.practice_id = p.id AND s.id = $2
   WHERE p.id = $1`;

/**
 * A supervisor may look at their supervisees' dashboards, an admin at anyone's in the practice;
 * everyone else only at their own.
 */
export function resolveSubject(
  actor: StaffActor,
  counselorId: string | undefined,
  row: ContextRow,
): StaffActor {
  if (!counselorId || counselorId === actor.id) return actor;
  if (!row.subject_role) throw new NotFoundProblem('The staff member');
  const oversees =
    actor.role === 'admin' ||
    (actor.role === 'supervisor' && row.subject_supervisor_id === actor.id);
  if (!oversees)
    throw new ForbiddenProblem('You can open the dashboard of the counselors you supervise only.');
  return { kind: 'staff', id: counselorId, practiceId: actor.practiceId, role: row.subject_role };
}

import type { PartyId } from '../parties/party';
import type { AchievementStatus } from '../trust-goals/goal-vocabulary';
import type { CheckInFacts } from '../trust-goals/trust-metrics';

/** The client summary as one row of JSON aggregates. */
export interface SummaryRow {
  time_zone: string;
  today: string;
  care_team: { staff_id: string; name: string; role: string }[];
  next_session: { id: string; starts_at: string; modality: string; setting: string } | null;
  attendance_rate: number | null;
  goals: {
    id: string;
    strategy: string;
    achievement_status: string;
    party_a: PartyId;
    party_b: PartyId;
    target_rating: number;
    /** Stored on every check-in from all of them (goal-figures.ts), as the goal's own view shows it. */
    suggested: AchievementStatus | null;
    /** Over the whole reliability window, not just the check-ins loaded for the sparklines. */
    reliability: number | null;
    check_ins: CheckInFacts[];
  }[];
  agreements: {
    id: string;
    title: string;
    status: string;
    violations: number;
    open_violations: number;
  }[];
  cases: { id: string; type: string; label: string; status: string; role: string }[];
  notes: {
    id: string;
    session_id: string;
    status: string;
    starts_at: string;
    case_type: string | null;
    initials: string[];
  }[];
  setbacks: { id: string; goal_id: string; kind: string; severity: string; occurred_at: string }[];
}

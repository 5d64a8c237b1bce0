import { API_CLIENT_ERRORS } from '../api-clients/api-client-errors';
import { AUTH_ERRORS } from '../auth/auth-errors';
import { AGREEMENT_ERRORS } from '../boundary-agreements/agreement-errors';
import { CALENDAR_FEED_ERRORS } from '../calendar-feeds/calendar-feed-errors';
import { CASE_ERRORS } from '../cases/cases-errors';
import { CHANGE_FEED_ERRORS } from '../change-feed/change-feed-errors';
import { CLIENT_ERRORS } from '../clients/client-errors';
import { COMMON_ERRORS } from '../common/problem/common-errors';
import { problemType, statusTitle, type ProblemCodes } from '../common/problem/problem';
import { EMERGENCY_ACCESS_ERRORS } from '../emergency-access/emergency-access-errors';
import { FAMILY_MEMBER_ERRORS } from '../family-members/family-member-errors';
import { INTAKE_ERRORS } from '../intake/intake-errors';
import { PARTY_ERRORS } from '../parties/party-errors';
import { PSYCHOTHERAPY_NOTE_ERRORS } from '../psychotherapy-notes/psychotherapy-note-errors';
import { SESSION_NOTE_ERRORS } from '../session-notes/session-note-errors';
import { STAFF_ERRORS } from '../staff/staff-errors';
import { SESSION_ERRORS } from '../therapy-sessions/session-errors';
import { GOAL_ERRORS } from '../trust-goals/goal-errors';
import { WEBHOOK_ERRORS } from '../webhooks/webhook-errors';

/**
 * Every problem code the API answers with, by feature (its folder name). It lives in bootstrap, not
 * in common/, because it imports every feature and common/ only ever imports downwards. A feature
 * with a new errors file adds it here; a unit test fails until it does.
 */
export const PROBLEM_CATALOG = {
  common: COMMON_ERRORS,
  auth: AUTH_ERRORS,
  staff: STAFF_ERRORS,
  clients: CLIENT_ERRORS,
  cases: CASE_ERRORS,
  'family-members': FAMILY_MEMBER_ERRORS,
  parties: PARTY_ERRORS,
  'therapy-sessions': SESSION_ERRORS,
  'session-notes': SESSION_NOTE_ERRORS,
  'psychotherapy-notes': PSYCHOTHERAPY_NOTE_ERRORS,
  'boundary-agreements': AGREEMENT_ERRORS,
  'trust-goals': GOAL_ERRORS,
  intake: INTAKE_ERRORS,
  'calendar-feeds': CALENDAR_FEED_ERRORS,
  'emergency-access': EMERGENCY_ACCESS_ERRORS,
  'api-clients': API_CLIENT_ERRORS,
  webhooks: WEBHOOK_ERRORS,
  'change-feed': CHANGE_FEED_ERRORS,
} as const satisfies Record<string, ProblemCodes>;

/** One code as one feature declares it. */
export interface CatalogEntry {
  feature: string;
  code: string;
  status: number;
  description: string;
}

/** One problem `type` as the OpenAPI document lists it; a code shared by features is listed once. */
export interface ProblemTypeListing {
  type: string;
  code: string;
  status: number;
  title: string;
  features: string[];
  description: string;
}

/** Every (feature, code) pair, in catalog order and by status within a feature. */
export function catalogEntries(): CatalogEntry[] {
  return Object.entries(PROBLEM_CATALOG).flatMap(([feature, problems]) =>
    Object.values<ProblemCodes[string]>(problems)
      .map(({ code, status, description }) => ({ feature, code, status, description }))
      .sort((a, b) => a.status - b.status || a.code.localeCompare(b.code)),
  );
}

/** The problem types by status, then code: what an integrator matches `type` against. */
export function problemTypeListing(): ProblemTypeListing[] {
  const byCode = new Map<string, ProblemTypeListing>();
  for (const entry of catalogEntries()) {
    const listed = byCode.get(entry.code);
    if (listed) {
      listed.features.push(entry.feature);
      listed.description += ` (${entry.feature}) ${entry.description}`;
      continue;
    }
    byCode.set(entry.code, {
      type: problemType(entry.code),
      code: entry.code,
      status: entry.status,
      title: statusTitle(entry.status),
      features: [entry.feature],
      description: entry.description,
    });
  }
  for (const listed of byCode.values()) {
    if (listed.features.length > 1) {
      listed.description = `(${listed.features[0]}) ${listed.description}`;
    }
  }
  return [...byCode.values()].sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
}

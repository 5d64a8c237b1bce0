import { partyViewOf, type PartyId } from '../parties/party';
import type {
  AcknowledgmentView,
  AgreementStatus,
  AgreementView,
  BoundaryItemView,
} from './boundary-agreement.dto';

interface ItemJson {
  id: string;
  position: number;
  category: string;
  set_by: PartyId;
  boundary: string;
  expectation: string;
  response_if_crossed: string;
}

interface AckJson {
  party: PartyId;
  method: string;
  acknowledged_at: string;
  recorded_by: string;
}

/**
 * An agreement with its parties and the content of its current version. Party ids are family
 * members (null: the client) on a client's agreement, persons on a case's (`client_id` null).
 */
export interface AgreementRow {
  id: string;
  practice_id: string;
  client_id: string | null;
  case_id: string | null;
  title: string;
  facilitator_id: string;
  status: AgreementStatus;
  current_version: number;
  review_date: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  parties: PartyId[];
  items: ItemJson[];
  acknowledgments: AckJson[];
  violation_count: number;
  open_violation_count: number;
}

/** Items and acknowledgments of version `version` (a SQL expression) of the agreement `a`. */
export const versionContent = (version: string) => `
  (SELECT coalesce(json_agg(json_build_object('id', i.id, 'position', i.position, 'category', i.category,
            'set_by', coalesce(i.set_by_person_id, i.set_by_family_member_id), 'boundary', i.boundary, 'expectation', i.expectation,
            'response_if_crossed', i.response_if_crossed) ORDER BY i.position), '[]'::json)
     FROM boundary_items i WHERE i.practice_id = a.practice_id AND i.agreement_id = a.id AND i.version_number = ${version}) AS items,
  (SELECT coalesce(json_agg(json_build_object('party', coalesce(k.person_id, k.family_member_id), 'method', k.method,
            'acknowledged_at', k.acknowledged_at, 'recorded_by', k.recorded_by) ORDER BY k.acknowledged_at), '[]'::json)
     FROM boundary_acknowledgments k
    WHERE k.practice_id = a.practice_id AND k.agreement_id = a.id AND k.version_number = ${version}) AS acknowledgments`;

export const AGREEMENT_COLUMNS = `a.id, a.practice_id, a.client_id, a.case_id, a.title, a.facilitator_id, a.status, a.current_version,
  a.review_date, a.version, a.created_at, a.updated_at,
  (SELECT array_agg(coalesce(p.person_id, p.family_member_id) ORDER BY coalesce(p.person_id, p.family_member_id) NULLS FIRST)
     FROM boundary_agreement_parties p
    WHERE p.practice_id = a.practice_id AND p.agreement_id = a.id) AS parties,
  ${versionContent('a.current_version')},
  (SELECT count(*)::int FROM boundary_violations v WHERE v.practice_id = a.practice_id AND v.agreement_id = a.id) AS violation_count,
  (SELECT count(*)::int FROM boundary_violations v
    WHERE v.practice_id = a.practice_id AND v.agreement_id = a.id AND v.resolved_at IS NULL) AS open_violation_count`;

/** `byPerson`: the agreement is a case's, its party ids are persons. */
export function toItemViews(items: ItemJson[], byPerson = false): BoundaryItemView[] {
  return items.map((item) => ({
    id: item.id,
    position: item.position,
    category: item.category,
    setBy: partyViewOf(item.set_by, byPerson),
    boundary: item.boundary,
    expectation: item.expectation,
    responseIfCrossed: item.response_if_crossed,
  }));
}

export function toAckViews(acks: AckJson[], byPerson = false): AcknowledgmentView[] {
  return acks.map((ack) => ({
    party: partyViewOf(ack.party, byPerson),
    method: ack.method,
    acknowledgedAt: new Date(ack.acknowledged_at).toISOString(),
    recordedBy: ack.recorded_by,
  }));
}

/** Parties that have not acknowledged the current version. */
export function missingAcknowledgments(row: AgreementRow): PartyId[] {
  const acknowledged = new Set(row.acknowledgments.map((ack) => ack.party ?? 'client'));
  return row.parties.filter((party) => !acknowledged.has(party ?? 'client'));
}

export function toAgreementView(row: AgreementRow): AgreementView {
  const byPerson = row.client_id === null;
  return {
    id: row.id,
    clientId: row.client_id,
    caseId: row.case_id,
    title: row.title,
    facilitatorId: row.facilitator_id,
    status: row.status,
    reviewDate: row.review_date,
    parties: row.parties.map((party) => partyViewOf(party, byPerson)),
    currentVersion: row.current_version,
    items: toItemViews(row.items, byPerson),
    acknowledgments: toAckViews(row.acknowledgments, byPerson),
    fullyAcknowledged: missingAcknowledgments(row).length === 0,
    violationCount: row.violation_count,
    openViolationCount: row.open_violation_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PartyView, toPartyView } from '../parties/party';

export const MODALITIES = ['individual', 'couple', 'family', 'group'] as const;
export const SETTINGS = ['in_person', 'telehealth', 'phone'] as const;
export const SESSION_STATUSES = [
  'scheduled',
  'completed',
  'cancelled',
  'late_cancel',
  'no_show',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface TherapySessionRow {
  id: string;
  practice_id: string;
  client_id: string;
  case_id: string | null;
  counselor_id: string;
  co_therapist_id: string | null;
  series_id: string | null;
  starts_at: Date;
  ends_at: Date;
  modality: string;
  setting: string;
  location: string | null;
  telehealth_url: string | null;
  status: SessionStatus;
  cancel_reason: string | null;
  cancelled_at: Date | null;
  completed_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  /** Parties who came: null for the client, else a family member's id (aggregated by the query). */
  attendees: (string | null)[] | null;
}

export const SESSION_COLUMNS = `s.id, s.practice_id, s.client_id, s.case_id, s.counselor_id, s.co_therapist_id, s.series_id,
  s.starts_at, s.ends_at, s.modality, s.setting, s.location, s.telehealth_url, s.status, s.cancel_reason,
  s.cancelled_at, s.completed_at, s.version, s.created_at, s.updated_at,
  (SELECT array_agg(a.family_member_id ORDER BY a.family_member_id NULLS FIRST) FROM session_attendees a
    WHERE a.practice_id = s.practice_id AND a.session_id = s.id) AS attendees`;

export class TherapySessionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({ format: 'uuid' }) counselorId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) coTherapistId!:
    string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) seriesId!: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ enum: MODALITIES }) modality!: string;
  @ApiProperty({ enum: SETTINGS }) setting!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) location!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) telehealthUrl!: string | null;
  @ApiProperty({ enum: SESSION_STATUSES }) status!: SessionStatus;
  @ApiPropertyOptional({ nullable: true, type: String }) cancelReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) cancelledAt!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) completedAt!:
    string | null;
  @ApiProperty({ type: [PartyView] }) attendees!: PartyView[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export function toSessionView(row: TherapySessionRow): TherapySessionView {
  return {
    id: row.id,
    clientId: row.client_id,
    caseId: row.case_id,
    counselorId: row.counselor_id,
    coTherapistId: row.co_therapist_id,
    seriesId: row.series_id,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    modality: row.modality,
    setting: row.setting,
    location: row.location,
    telehealthUrl: row.telehealth_url,
    status: row.status,
    cancelReason: row.cancel_reason,
    cancelledAt: row.cancelled_at?.toISOString() ?? null,
    completedAt: row.completed_at?.toISOString() ?? null,
    attendees: (row.attendees ?? []).map(toPartyView),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const CLIENT_STATUSES = [
  'intake',
  'active',
  'on_hold',
  'discharged',
  'entered_in_error',
] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

export const PRESENTING_CONCERNS = [
  'substance_use_recovery',
  'mental_health',
  'trust_after_betrayal',
  'estrangement',
  'parent_child_conflict',
  'communication',
  'grief',
  'trauma',
  'other',
] as const;

export const TRUST_INDICATORS = [
  'jealousy_possessiveness',
  'difficulty_opening_up',
  'suspicion',
  'avoidance_of_intimacy',
] as const;

/** A `clients` row as PostgreSQL returns it (dates as `YYYY-MM-DD` strings). */
export interface ClientRow {
  id: string;
  practice_id: string;
  client_number: number;
  first_name: string;
  last_name: string;
  preferred_name: string | null;
  date_of_birth: string;
  pronouns: string | null;
  email: string | null;
  phone: string | null;
  status: ClientStatus;
  discharge_reason: string | null;
  discharged_on: string | null;
  presenting_concerns: string[];
  trust_indicators: string[];
  risk_flags: string[];
  substance_use_records: boolean;
  error_reason: string | null;
  last_activity_at: Date;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const CLIENT_COLUMNS = `c.id, c.practice_id, c.client_number, c.first_name, c.last_name, c.preferred_name,
  c.date_of_birth, c.pronouns, c.email, c.phone, c.status, c.discharge_reason, c.discharged_on,
  c.presenting_concerns, c.trust_indicators, c.risk_flags, c.substance_use_records, c.error_reason,
  c.last_activity_at, c.version, c.created_at, c.updated_at`;

export class ClientView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'C-000123' }) clientNumber!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) preferredName!: string | null;
  @ApiProperty({ format: 'date', example: '1994-03-17' }) dateOfBirth!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) pronouns!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) email!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ enum: CLIENT_STATUSES }) status!: ClientStatus;
  @ApiPropertyOptional({ nullable: true, type: String }) dischargeReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) dischargedOn!:
    string | null;
  @ApiProperty({ enum: PRESENTING_CONCERNS, isArray: true }) presentingConcerns!: string[];
  @ApiProperty({ enum: TRUST_INDICATORS, isArray: true }) trustIndicators!: string[];
  @ApiProperty({ type: [String] }) riskFlags!: string[];
  @ApiProperty({ description: 'Holds substance-use-disorder records (stricter disclosure rules)' })
  substanceUseRecords!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) errorReason!: string | null;
  @ApiProperty({ format: 'date-time' }) lastActivityAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export function formatClientNumber(value: number): string {
  return `C-${String(value).padStart(6, '0')}`;
}

export function toClientView(row: ClientRow): ClientView {
  return {
    id: row.id,
    clientNumber: formatClientNumber(row.client_number),
    firstName: row.first_name,
    lastName: row.last_name,
    preferredName: row.preferred_name,
    dateOfBirth: row.date_of_birth,
    pronouns: row.pronouns,
    email: row.email,
    phone: row.phone,
    status: row.status,
    dischargeReason: row.discharge_reason,
    dischargedOn: row.discharged_on,
    presentingConcerns: row.presenting_concerns,
    trustIndicators: row.trust_indicators,
    riskFlags: row.risk_flags,
    substanceUseRecords: row.substance_use_records,
    errorReason: row.error_reason,
    lastActivityAt: row.last_activity_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

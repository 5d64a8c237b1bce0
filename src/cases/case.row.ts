import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const CASE_TYPES = ['family', 'couple', 'parent_child', 'individual', 'group'] as const;
export type CaseType = (typeof CASE_TYPES)[number];
export const CASE_STATUSES = ['open', 'on_hold', 'closed', 'entered_in_error'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The columns every case read selects, over the alias `k`. */
export const CASE_COLUMNS = `k.id, k.practice_id, k.case_type, k.label, k.presenting_reason,
  k.opened_on::text AS opened_on, k.status, k.close_reason, k.closed_on::text AS closed_on,
  k.error_reason, k.version, k.created_at, k.updated_at`;

export interface CaseRow {
  id: string;
  practice_id: string;
  case_type: CaseType;
  label: string;
  presenting_reason: string | null;
  opened_on: string;
  status: CaseStatus;
  close_reason: string | null;
  closed_on: string | null;
  error_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export class CaseView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CASE_TYPES }) type!: CaseType;
  @ApiProperty({ description: 'Often a surname: never shown in calendar feeds' }) label!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) presentingReason!: string | null;
  @ApiProperty({ format: 'date' }) openedOn!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiPropertyOptional({ nullable: true, type: String }) closeReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) closedOn!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorReason!: string | null;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export function toCaseView(row: CaseRow): CaseView {
  return {
    id: row.id,
    type: row.case_type,
    label: row.label,
    presentingReason: row.presenting_reason,
    openedOn: row.opened_on,
    status: row.status,
    closeReason: row.close_reason,
    closedOn: row.closed_on,
    errorReason: row.error_reason,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

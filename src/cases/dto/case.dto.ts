import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { IsCalendarDate, IsPlainText, IsProse } from '../../common/validation/decorators';
import { CASE_TYPES, CaseView, type CaseType } from '../case.row';

export const CASE_ROLES = [
  'identified_client',
  'partner',
  'parent',
  'child',
  'sibling',
  'grandparent',
  'other_relative',
  'support_person',
] as const;
export type CaseRole = (typeof CASE_ROLES)[number];
export const PARTICIPATIONS = ['participating', 'invited', 'declined', 'no_contact'] as const;
export type Participation = (typeof PARTICIPATIONS)[number];

export class CaseCareTeamEntryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() staffId!: string;
  @ApiProperty({ enum: ['primary_counselor', 'co_therapist', 'supervisor'] })
  @IsIn(['primary_counselor', 'co_therapist', 'supervisor'])
  role!: 'primary_counselor' | 'co_therapist' | 'supervisor';
}

export class CreateCaseDto {
  @ApiProperty({ enum: CASE_TYPES }) @IsIn(CASE_TYPES) type!: CaseType;
  @ApiProperty() @IsPlainText(1, 200) label!: string;
  @ApiPropertyOptional() @IsOptional() @IsProse(3, 2000) presentingReason?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Today when omitted' })
  @IsOptional()
  @IsCalendarDate()
  openedOn?: string;
  @ApiPropertyOptional({
    type: [CaseCareTeamEntryDto],
    description: 'A counselor opening a case without one becomes its primary counselor',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CaseCareTeamEntryDto)
  careTeam?: CaseCareTeamEntryDto[];
}

export class UpdateCaseDto {
  @ApiPropertyOptional() @IsOptional() @IsPlainText(1, 200) label?: string;
  @ApiPropertyOptional() @IsOptional() @IsProse(3, 2000) presentingReason?: string;
  @ApiPropertyOptional({ enum: CASE_TYPES }) @IsOptional() @IsIn(CASE_TYPES) type?: CaseType;
}

export class ChangeCaseStatusDto {
  @ApiProperty({ enum: ['open', 'on_hold', 'closed'] })
  @IsIn(['open', 'on_hold', 'closed'])
  status!: 'open' | 'on_hold' | 'closed';
  @ApiPropertyOptional({ description: 'Required when closing' })
  @IsOptional()
  @IsProse(3, 2000)
  reason?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Required when closing' })
  @IsOptional()
  @IsCalendarDate()
  closedOn?: string;
}

const csv = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',') : value;

export class ListCasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'on_hold', 'closed'], isArray: true })
  @IsOptional()
  @Transform(csv)
  @IsArray()
  @IsIn(['open', 'on_hold', 'closed'], { each: true })
  status?: string[];
  @ApiPropertyOptional({ enum: CASE_TYPES, isArray: true })
  @IsOptional()
  @Transform(csv)
  @IsArray()
  @IsIn(CASE_TYPES, { each: true })
  type?: CaseType[];
  @ApiPropertyOptional({ format: 'uuid', description: 'On the case care team' })
  @IsOptional()
  @IsUUID()
  counselorId?: string;
  @ApiPropertyOptional({ description: 'Prefix of a member’s first or last name' })
  @IsOptional()
  @IsPlainText(1, 100)
  memberName?: string;
}

export class CasePage {
  @ApiProperty({ type: [CaseView] }) data!: CaseView[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor!: string | null;
}

/** The case opened with a new client (`POST /clients` with `case`). */
export class NewClientCaseDto {
  @ApiProperty({ enum: CASE_TYPES }) @IsIn(CASE_TYPES) type!: CaseType;
  @ApiPropertyOptional({ description: 'The client’s last name when omitted' })
  @IsOptional()
  @IsPlainText(1, 200)
  label?: string;
  @ApiPropertyOptional() @IsOptional() @IsProse(3, 2000) presentingReason?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsUrl,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { PartyDto } from '../../parties/party';
import { IsCalendarDate, IsPlainText, IsProse } from '../../common/validation/decorators';
import { IsTimestamp } from '../../common/validation/is-timestamp';
import { MODALITIES, SESSION_STATUSES, SETTINGS, TherapySessionView } from '../therapy-session.row';

export class ScheduleSessionDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() clientId!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The case this session belongs to; the client must be a member of it',
  })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Defaults to the caller when a clinician schedules',
  })
  @IsOptional()
  @IsUUID()
  counselorId?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() coTherapistId?: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T17:00:00-06:00' })
  @IsTimestamp()
  startsAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T17:50:00-06:00' })
  @IsTimestamp()
  endsAt!: string;

  @ApiProperty({ enum: MODALITIES }) @IsIn(MODALITIES) modality!: string;
  @ApiProperty({ enum: SETTINGS }) @IsIn(SETTINGS) setting!: string;
  @ApiPropertyOptional({ example: 'Room 2' }) @IsOptional() @IsPlainText(1, 200) location?: string;

  @ApiPropertyOptional({ example: 'https://meet.example.org/abc' })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  telehealthUrl?: string;
}

export class RecurrenceDto {
  @ApiProperty({ enum: ['weekly', 'biweekly'] }) @IsIn(['weekly', 'biweekly']) frequency!:
    'weekly' | 'biweekly';

  @ApiPropertyOptional({
    format: 'date',
    description: 'Last day an occurrence may fall on (practice time zone)',
  })
  @IsOptional()
  @IsCalendarDate()
  until?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 52 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(52)
  count?: number;
}

export class ScheduleSeriesDto extends ScheduleSessionDto {
  @ApiProperty({ type: RecurrenceDto })
  @ValidateNested()
  @Type(() => RecurrenceDto)
  recurrence!: RecurrenceDto;

  @ApiPropertyOptional({
    description: 'Create the free occurrences and report the conflicting ones (otherwise 409)',
  })
  @IsOptional()
  @IsBoolean()
  skipConflicts?: boolean;
}

export class RescheduleSessionDto {
  @ApiProperty({ format: 'date-time' }) @IsTimestamp() startsAt!: string;
  @ApiProperty({ format: 'date-time' }) @IsTimestamp() endsAt!: string;
}

export class CancelSessionDto {
  @ApiProperty({ example: 'Client is ill' }) @IsProse(3, 2000) reason!: string;
}

export const ATTENDANCE = ['invited', 'attended', 'absent', 'late'] as const;
export type Attendance = (typeof ATTENDANCE)[number];
export const OTHER_ATTENDEE_ROLES = [
  'interpreter',
  'other_professional',
  'school_counselor',
  'other',
] as const;

export class CaseAttendeeDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() personId!: string;
  @ApiProperty({ enum: ATTENDANCE }) @IsIn(ATTENDANCE) attendance!: Attendance;
}

export class OtherAttendeeDto {
  @ApiProperty() @IsPlainText(1, 200) name!: string;
  @ApiProperty({ enum: OTHER_ATTENDEE_ROLES }) @IsIn(OTHER_ATTENDEE_ROLES) role!: string;
  @ApiProperty({ enum: ATTENDANCE }) @IsIn(ATTENDANCE) attendance!: Attendance;
}

export class CompleteSessionDto {
  @ApiProperty({
    type: [PartyDto],
    description: 'Who came: the client and/or their family members',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PartyDto)
  attendees!: PartyDto[];

  @ApiPropertyOptional({
    type: [CaseAttendeeDto],
    description: 'For a session of a case: each person of the case invited, and whether they came',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CaseAttendeeDto)
  caseAttendees?: CaseAttendeeDto[];

  @ApiPropertyOptional({
    type: [OtherAttendeeDto],
    description: 'People at the session who are not persons of the case (an interpreter…)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => OtherAttendeeDto)
  otherAttendees?: OtherAttendeeDto[];
}

export class ListSessionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() counselorId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() clientId?: string;
  @ApiPropertyOptional({ enum: SESSION_STATUSES })
  @IsOptional()
  @IsIn(SESSION_STATUSES)
  status?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsTimestamp() from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsTimestamp() to?: string;
}

export class SessionPage {
  @ApiProperty({ type: [TherapySessionView] }) data!: TherapySessionView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class SkippedOccurrenceView {
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'uuid' }) conflictingSessionId!: string;
}

export class SeriesView {
  @ApiProperty({ format: 'uuid' }) seriesId!: string;
  @ApiProperty({ type: [TherapySessionView] }) sessions!: TherapySessionView[];
  @ApiProperty({ type: [SkippedOccurrenceView] }) skipped!: SkippedOccurrenceView[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsUUID,
  ValidateNested,
} from 'class-validator';
import { IsPlainText } from '../../common/validation/decorators';
import { IsTimestamp } from '../../common/validation/is-timestamp';
import { TherapySessionView } from '../therapy-session.row';
import { OTHER_ATTENDEE_ROLES } from './therapy-session.dto';

export class EndSeriesDto {
  @ApiProperty({
    format: 'date-time',
    description: 'Scheduled occurrences from then on are cancelled',
  })
  @IsTimestamp()
  from!: string;
}

export class MoveSeriesDto {
  @ApiProperty({ format: 'date-time', description: 'Scheduled occurrences from then on move' })
  @IsTimestamp()
  from!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'The new start of the first occurrence moved; the others keep their spacing',
  })
  @IsTimestamp()
  startsAt!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Its new end: every occurrence gets this length',
  })
  @IsTimestamp()
  endsAt!: string;

  @ApiPropertyOptional({
    description:
      'Move the free occurrences and report the conflicting ones (otherwise 409, nothing moves)',
  })
  @IsOptional()
  @IsBoolean()
  skipConflicts?: boolean;
}

export class SeriesConflictView {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'uuid' }) conflictingSessionId!: string;
}

export class SeriesMoveView {
  @ApiProperty({ type: [TherapySessionView] }) moved!: TherapySessionView[];
  @ApiProperty({ type: [SeriesConflictView] }) conflicts!: SeriesConflictView[];
}

export class SeriesEndView {
  @ApiProperty({ type: [TherapySessionView] }) cancelled!: TherapySessionView[];
}

export class PlannedCaseAttendeeDto {
  @ApiProperty({ format: 'uuid', description: 'A person of the series’ case' })
  @IsUUID()
  personId!: string;
}

export class PlannedOtherAttendeeDto {
  @ApiProperty() @IsPlainText(1, 200) name!: string;
  @ApiProperty({ enum: OTHER_ATTENDEE_ROLES }) @IsIn(OTHER_ATTENDEE_ROLES) role!: string;
}

export class ChangeSeriesAttendeesDto {
  @ApiProperty({
    format: 'date-time',
    description:
      'Scheduled occurrences from then on (and not before now) get these attendees; completed and cancelled ones keep theirs',
  })
  @IsTimestamp()
  from!: string;

  @ApiProperty({
    type: [PlannedCaseAttendeeDto],
    description: 'Persons of the case, each recorded as invited; an empty list invites no one',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique((attendee: PlannedCaseAttendeeDto) => attendee.personId)
  @ValidateNested({ each: true })
  @Type(() => PlannedCaseAttendeeDto)
  caseAttendees!: PlannedCaseAttendeeDto[];

  @ApiProperty({
    type: [PlannedOtherAttendeeDto],
    description: 'Interpreters, other professionals… by name and role, each recorded as invited',
  })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PlannedOtherAttendeeDto)
  otherAttendees!: PlannedOtherAttendeeDto[];
}

export class SeriesAttendeesView {
  @ApiProperty({ type: [TherapySessionView], description: 'The occurrences changed' })
  sessions!: TherapySessionView[];
  @ApiProperty({ type: [PlannedCaseAttendeeDto] }) caseAttendees!: PlannedCaseAttendeeDto[];
  @ApiProperty({ type: [PlannedOtherAttendeeDto] }) otherAttendees!: PlannedOtherAttendeeDto[];
}

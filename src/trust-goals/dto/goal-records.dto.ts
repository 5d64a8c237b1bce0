import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate, IsPlainText, IsProse } from '../../common/validation/decorators';
import { IsTimestamp } from '../../common/validation/is-timestamp';
import { PartyDto, PartyView } from '../../parties/party';
import {
  CADENCES,
  COMMITMENT_STATUSES,
  MAX_RATING,
  MIN_RATING,
  SETBACK_KINDS,
  SEVERITIES,
  type Cadence,
  type CommitmentStatus,
  type SetbackKind,
  type Severity,
} from '../goal-vocabulary';

/** A trust rating: a whole number from 0 to 10. */
export const IsRating = (): PropertyDecorator =>
  applyDecorators(IsInt(), Min(MIN_RATING), Max(MAX_RATING));

const Count = (): PropertyDecorator => applyDecorators(IsInt(), Min(0), Max(1000));

export class AddCommitmentDto {
  @ApiProperty({ type: PartyDto, description: 'Who keeps it: one of the goal’s two parties' })
  @ValidateNested()
  @Type(() => PartyDto)
  owner!: PartyDto;

  @ApiProperty({ example: 'Call Mom every Sunday evening' })
  @IsProse(3, 500)
  description!: string;

  @ApiProperty({ enum: CADENCES }) @IsIn(CADENCES) cadence!: Cadence;
}

export class CommitmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) goalId!: string;
  @ApiProperty({ type: PartyView }) owner!: PartyView;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: CADENCES }) cadence!: Cadence;
  @ApiProperty({ enum: COMMITMENT_STATUSES }) status!: CommitmentStatus;
  @ApiProperty({ format: 'date-time' }) statusChangedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) endedAt!:
    string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PartyRatingDto extends PartyDto {
  @ApiProperty({ minimum: 0, maximum: 10 }) @IsRating() rating!: number;
}

export class RatingView extends PartyView {
  @ApiProperty({ minimum: 0, maximum: 10 }) rating!: number;
}

export class AddCheckInDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-29T18:30:00-05:00' })
  @IsTimestamp()
  occurredAt!: string;

  @ApiPropertyOptional({
    type: [PartyRatingDto],
    description: 'Each of the goal’s parties’ trust rating (0-10), at most one each',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => PartyRatingDto)
  ratings?: PartyRatingDto[];

  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Since the last check-in' })
  @IsOptional()
  @Count()
  commitmentsKept?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Since the last check-in' })
  @IsOptional()
  @Count()
  commitmentsMissed?: number;

  @ApiPropertyOptional() @IsOptional() @IsProse(1, 5000) note?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The session it was taken in' })
  @IsOptional()
  @IsUUID()
  sessionId?: string;
}

export class CheckInView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) goalId!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date', description: 'Its date in the practice’s time zone' })
  occurredOn!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) sessionId!: string | null;
  @ApiProperty({ type: [RatingView] }) ratings!: RatingView[];
  @ApiProperty() commitmentsKept!: number;
  @ApiProperty() commitmentsMissed!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ format: 'uuid' }) recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AddMilestoneDto {
  @ApiProperty({ example: 'Four Sunday calls in a row' }) @IsPlainText(1, 200) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsProse(1, 2000) description?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() targetDate?: string;
}

export class ReachMilestoneDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to now' })
  @IsOptional()
  @IsTimestamp()
  reachedAt?: string;

  @ApiPropertyOptional({ example: 'Grace said she now looks forward to Sundays.' })
  @IsOptional()
  @IsProse(1, 2000)
  celebrationNote?: string;
}

export class MilestoneView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) goalId!: string;
  @ApiProperty() title!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) targetDate!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) reachedAt!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) reachedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) celebrationNote!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AddSetbackDto {
  @ApiProperty({ enum: SETBACK_KINDS }) @IsIn(SETBACK_KINDS) kind!: SetbackKind;
  @ApiProperty({ enum: SEVERITIES }) @IsIn(SEVERITIES) severity!: Severity;
  @ApiProperty({ format: 'date-time' }) @IsTimestamp() occurredAt!: string;
  @ApiProperty({ description: 'What happened' }) @IsProse(3, 5000) description!: string;
  @ApiProperty() @IsProse(3, 5000) responsePlan!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for a boundary violation: a violation logged for this client',
  })
  @IsOptional()
  @IsUUID()
  boundaryViolationId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'For a broken commitment: which commitment of this goal',
  })
  @IsOptional()
  @IsUUID()
  commitmentId?: string;
}

export class SetbackView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) goalId!: string;
  @ApiProperty({ enum: SETBACK_KINDS }) kind!: SetbackKind;
  @ApiProperty({ enum: SEVERITIES }) severity!: Severity;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date' }) occurredOn!: string;
  @ApiProperty() description!: string;
  @ApiProperty() responsePlan!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) boundaryViolationId!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) commitmentId!:
    string | null;
  @ApiProperty({ format: 'uuid' }) recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

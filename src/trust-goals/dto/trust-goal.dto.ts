import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { IsCalendarDate, IsProse } from '../../common/validation/decorators';
import { PartyDto, PartyView } from '../../parties/party';
import {
  ACHIEVEMENT_STATUSES,
  LIFECYCLE_STATUSES,
  PRIORITIES,
  STRATEGIES,
  type AchievementStatus,
  type LifecycleStatus,
  type Priority,
  type Strategy,
} from '../goal-vocabulary';
import {
  DEFAULT_RELIABILITY_WINDOW_DAYS,
  DEFAULT_TREND_WINDOW,
  MAX_TREND_WINDOW,
  MIN_TREND_WINDOW,
} from '../trust-metrics';
import { CommitmentView, IsRating, MilestoneView } from './goal-records.dto';

export class CreateTrustGoalDto {
  @ApiProperty({
    type: [PartyDto],
    minItems: 2,
    maxItems: 2,
    description:
      'The two parties: for a client’s goal, the client and one family member, or two family members of this client; for a case’s goal, two persons of the case (`{ party: person, personId }`)',
    example: [
      { party: 'client' },
      { party: 'family_member', familyMemberId: '6f1c2a9e-3b7d-4e2a-9c1f-8a4b5d6e7f80' },
    ],
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => PartyDto)
  parties!: PartyDto[];

  @ApiProperty({ enum: STRATEGIES }) @IsIn(STRATEGIES) strategy!: Strategy;

  @ApiProperty({ example: 'Grace can count on Maya’s word again: calls happen when promised.' })
  @IsProse(3, 2000)
  description!: string;

  @ApiProperty({ minimum: 0, maximum: 10, description: 'Trust rating when the goal is set' })
  @IsRating()
  baselineRating!: number;

  @ApiProperty({ minimum: 0, maximum: 10, description: 'Every party’s rating to reach' })
  @IsRating()
  targetRating!: number;

  @ApiPropertyOptional({ format: 'date', description: 'Defaults to today (practice time zone)' })
  @IsOptional()
  @IsCalendarDate()
  startDate?: string;

  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() targetDate?: string;

  @ApiPropertyOptional({ enum: PRIORITIES, default: 'medium' })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;

  @ApiPropertyOptional({ enum: ['proposed', 'active'], default: 'proposed' })
  @IsOptional()
  @IsIn(['proposed', 'active'])
  lifecycleStatus?: 'proposed' | 'active';
}

/** What can change on a goal still being planned or under way; the parties never change. */
export class UpdateTrustGoalDto {
  @ApiPropertyOptional({ enum: STRATEGIES }) @IsOptional() @IsIn(STRATEGIES) strategy?: Strategy;
  @ApiPropertyOptional() @IsOptional() @IsProse(3, 2000) description?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 10 })
  @IsOptional()
  @IsRating()
  baselineRating?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 10 }) @IsOptional() @IsRating() targetRating?: number;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() startDate?: string;

  @ApiPropertyOptional({ format: 'date', nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsCalendarDate()
  targetDate?: string | null;

  @ApiPropertyOptional({ enum: PRIORITIES })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;
}

export class ChangeGoalStatusDto {
  @ApiPropertyOptional({ enum: LIFECYCLE_STATUSES })
  @IsOptional()
  @IsIn(LIFECYCLE_STATUSES)
  lifecycleStatus?: LifecycleStatus;

  @ApiPropertyOptional({
    enum: ACHIEVEMENT_STATUSES,
    description: 'The clinician’s assessment; the suggested status is never applied by itself',
  })
  @IsOptional()
  @IsIn(ACHIEVEMENT_STATUSES)
  achievementStatus?: AchievementStatus;

  @ApiPropertyOptional({ description: 'Required to cancel or mark entered in error' })
  @IsOptional()
  @IsProse(3, 1000)
  reason?: string;
}

export class ListTrustGoalsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: LIFECYCLE_STATUSES,
    description: 'Without it, every goal but those entered in error',
  })
  @IsOptional()
  @IsIn(LIFECYCLE_STATUSES)
  lifecycleStatus?: LifecycleStatus;
}

/** How the derived figures are computed; the defaults suit weekly check-ins. */
export class FiguresQueryDto {
  @ApiPropertyOptional({
    minimum: MIN_TREND_WINDOW,
    maximum: MAX_TREND_WINDOW,
    default: DEFAULT_TREND_WINDOW,
    description: 'N: the trend is fitted to each party’s last N ratings',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MIN_TREND_WINDOW)
  @Max(MAX_TREND_WINDOW)
  trendWindow?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 365,
    default: DEFAULT_RELIABILITY_WINDOW_DAYS,
    description: 'Days of the rolling reliability window, ending today',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  reliabilityWindowDays?: number;
}

export class TrendView {
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'Least-squares slope, rating points per rated check-in',
  })
  slope!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, enum: [-1, 0, 1] }) sign!: -1 | 0 | 1 | null;
  @ApiProperty({ description: 'Ratings the slope was fitted to' }) points!: number;
}

export class PartyFiguresView extends PartyView {
  @ApiPropertyOptional({ nullable: true, type: Number }) currentRating!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) ratedOn!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'Latest rating minus the previous one',
  })
  lastChange!: number | null;
  @ApiProperty({ type: TrendView }) trend!: TrendView;
}

export class ReliabilityView {
  @ApiProperty() windowDays!: number;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty() kept!: number;
  @ApiProperty() missed!: number;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'kept / (kept + missed); null when nothing was counted',
  })
  ratio!: number | null;
}

export class DerivedFiguresView {
  @ApiProperty({ format: 'date', description: 'Today in the practice’s time zone' })
  computedOn!: string;
  @ApiProperty() checkInCount!: number;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) lastCheckInOn!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) daysSinceLastCheckIn!: number | null;
  @ApiProperty({ type: [PartyFiguresView] }) parties!: PartyFiguresView[];
  @ApiProperty({ type: ReliabilityView }) reliability!: ReliabilityView;
  @ApiProperty({ description: 'N of the trend' }) trendWindow!: number;
  @ApiProperty({ description: 'Latest rated check-ins in a row with every party at the target' })
  targetMetStreak!: number;
  @ApiPropertyOptional({ enum: ACHIEVEMENT_STATUSES, nullable: true })
  suggestedAchievementStatus!: AchievementStatus | null;
  @ApiProperty({ description: 'The suggestion differs from the clinician’s achievement status' })
  suggestionDiffers!: boolean;
}

export class TrustGoalView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The client whose goal it is; null for a goal a case holds',
  })
  clientId!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'The case it belongs to. A goal a case holds (`clientId` null) is between persons of that case',
  })
  caseId!: string | null;
  @ApiProperty({ type: [PartyView] }) parties!: PartyView[];
  @ApiProperty({ enum: STRATEGIES }) strategy!: Strategy;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: LIFECYCLE_STATUSES }) lifecycleStatus!: LifecycleStatus;
  @ApiPropertyOptional({ nullable: true, type: String }) statusReason!: string | null;
  @ApiProperty({ enum: ACHIEVEMENT_STATUSES, description: 'Set by the clinician' })
  achievementStatus!: AchievementStatus;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) achievementSetBy!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) achievementSetAt!:
    string | null;
  @ApiProperty({ minimum: 0, maximum: 10 }) baselineRating!: number;
  @ApiProperty({ minimum: 0, maximum: 10 }) targetRating!: number;
  @ApiProperty({ format: 'date' }) startDate!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) targetDate!: string | null;
  @ApiProperty({ enum: PRIORITIES }) priority!: Priority;
  @ApiProperty({ type: [CommitmentView] }) commitments!: CommitmentView[];
  @ApiProperty({ type: [MilestoneView] }) milestones!: MilestoneView[];
  @ApiProperty({ type: DerivedFiguresView }) derived!: DerivedFiguresView;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TrustGoalPage {
  @ApiProperty({ type: [TrustGoalView] }) data!: TrustGoalView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

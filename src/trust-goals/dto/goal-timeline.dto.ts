import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PartyView } from '../../parties/party';
import { CheckInView, MilestoneView, SetbackView } from './goal-records.dto';

export const TIMELINE_EVENT_TYPES = ['check_in', 'setback', 'milestone'] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

/** One thing that happened: exactly the member named by `type` is set. */
export class TimelineEventView {
  @ApiProperty({ enum: TIMELINE_EVENT_TYPES }) type!: TimelineEventType;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time', description: 'When it happened (a milestone: reached)' })
  at!: string;
  @ApiProperty({ format: 'date', description: 'Its date in the practice’s time zone' })
  on!: string;
  @ApiPropertyOptional({ type: CheckInView }) checkIn?: CheckInView;
  @ApiPropertyOptional({ type: SetbackView }) setback?: SetbackView;
  @ApiPropertyOptional({ type: MilestoneView }) milestone?: MilestoneView;
}

export class RatingPointView {
  @ApiProperty({ format: 'uuid' }) checkInId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ format: 'date' }) on!: string;
  @ApiProperty({ minimum: 0, maximum: 10 }) rating!: number;
}

/** One line of the chart: a party's ratings over time. */
export class RatingSeriesView extends PartyView {
  @ApiProperty({ type: [RatingPointView] }) points!: RatingPointView[];
}

export class GoalTimelineView {
  @ApiProperty({ format: 'uuid' }) goalId!: string;
  @ApiProperty({ description: 'Reference line' }) baselineRating!: number;
  @ApiProperty({ description: 'Reference line' }) targetRating!: number;
  @ApiProperty({ format: 'date' }) startDate!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) targetDate!: string | null;
  @ApiProperty({
    type: [TimelineEventView],
    description: 'Check-ins, setbacks and reached milestones, oldest first',
  })
  events!: TimelineEventView[];
  @ApiProperty({ type: [RatingSeriesView], description: 'One series per party of the goal' })
  ratingSeries!: RatingSeriesView[];
  @ApiProperty({
    type: [MilestoneView],
    description: 'Milestones not reached yet, by target date',
  })
  upcomingMilestones!: MilestoneView[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PartyView } from '../parties/party';
import { MODALITIES, SESSION_STATUSES, SETTINGS } from '../therapy-sessions/therapy-session.row';

export class DashboardQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A supervisee (supervisors) or anyone in the practice (admins)',
  })
  @IsOptional()
  @IsUUID()
  counselorId?: string;
}

export class CaseloadView {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Clients of the caseload per status (statuses with none are left out)',
    example: { intake: 1, active: 12, on_hold: 2, discharged: 4 },
  })
  byStatus!: Record<string, number>;
  @ApiProperty() total!: number;
  @ApiProperty() newThisMonth!: number;
  @ApiProperty() dischargedThisMonth!: number;
}

export class ScheduledSessionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date' }) day!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ example: 'C-000042' }) clientNumber!: string;
  @ApiProperty({ example: 'MO' }) initials!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'For a session of a case' })
  caseType!: string | null;
  @ApiProperty({
    type: [String],
    description: 'Initials of the case’s participating persons (empty outside a case)',
  })
  caseMemberInitials!: string[];
  @ApiProperty({ enum: MODALITIES }) modality!: string;
  @ApiProperty({ enum: SETTINGS }) setting!: string;
  @ApiProperty({ enum: SESSION_STATUSES }) status!: string;
  @ApiProperty({ type: [PartyView] }) expectedAttendees!: PartyView[];
}

export class NoteTaskView {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ format: 'date-time' }) sessionEndedAt!: string;
  @ApiPropertyOptional({
    enum: ['draft', 'awaiting_cosign', 'returned', 'signed'],
    nullable: true,
    description: 'Null while no note is started',
  })
  noteStatus!: string | null;
  @ApiProperty() overdue!: boolean;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) authorId!: string | null;
}

export class NotesSectionView {
  @ApiProperty({ type: [NoteTaskView] }) toWrite!: NoteTaskView[];
  @ApiProperty({ type: [NoteTaskView] }) awaitingMyCosignature!: NoteTaskView[];
  @ApiProperty({ type: [NoteTaskView] }) returnedToMe!: NoteTaskView[];
}

export class GoalAttentionView {
  @ApiProperty({ format: 'uuid' }) goalId!: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The client holding the goal; null for a goal a case holds',
  })
  clientId!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The case holding the goal (its client is then null)',
  })
  caseId!: string | null;
  @ApiProperty({
    enum: ['target_date_passed', 'stalled', 'trust_falling', 'low_reliability'],
    isArray: true,
  })
  reasons!: string[];
}

export class DashboardEventView {
  @ApiProperty() kind!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The client holding the record; null for a record a case holds',
  })
  clientId!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The case holding the record (its client is then null)',
  })
  caseId!: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) goalId?: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) agreementId?:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) title?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) severity?: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) at?: string | null;
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String }) reviewDate?: string | null;
}

export class BoundariesSectionView {
  @ApiProperty({ type: [DashboardEventView] }) recentViolations!: DashboardEventView[];
  @ApiProperty({ type: [DashboardEventView] }) awaitingAcknowledgment!: DashboardEventView[];
  @ApiProperty({ type: [DashboardEventView] }) dueForReview!: DashboardEventView[];
}

export class EmergencyGrantSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty() staffName!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class DashboardView {
  @ApiProperty({ format: 'uuid' }) counselorId!: string;
  @ApiProperty({ format: 'date', description: "Today in the practice's time zone" }) today!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: CaseloadView }) caseload!: CaseloadView;
  @ApiProperty({ type: [ScheduledSessionView], description: 'Today and the next 7 days' })
  schedule!: ScheduledSessionView[];
  @ApiProperty({ type: NotesSectionView }) notes!: NotesSectionView;
  @ApiProperty({ type: [GoalAttentionView] }) goalsNeedingAttention!: GoalAttentionView[];
  @ApiProperty({
    type: [DashboardEventView],
    description: 'Milestones reached and goals achieved, last 14 days',
  })
  celebrate!: DashboardEventView[];
  @ApiProperty({ type: [DashboardEventView], description: 'Last 14 days' })
  setbacks!: DashboardEventView[];
  @ApiProperty({ type: BoundariesSectionView }) boundaries!: BoundariesSectionView;
  @ApiProperty({
    type: [EmergencyGrantSummaryView],
    description: 'Last 30 days, by people outside the care team',
  })
  emergencyAccess!: EmergencyGrantSummaryView[];
}

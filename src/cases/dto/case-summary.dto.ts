import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PartyView } from '../../parties/party';
import { CaseView } from '../case.row';
import { CaseMemberView } from './case-member.dto';

export class CaseSummaryCareTeamMember {
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['primary_counselor', 'co_therapist', 'supervisor'] }) role!: string;
}

export class CaseSummarySession {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty() status!: string;
  @ApiProperty() modality!: string;
  @ApiProperty() setting!: string;
}

export class CaseSummaryGoalParty {
  @ApiProperty({ type: PartyView }) party!: PartyView;
  @ApiPropertyOptional({ nullable: true, type: Number }) currentRating!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) ratedOn!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) trendSlope!: number | null;
}

export class CaseSummaryGoal {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() strategy!: string;
  @ApiProperty() lifecycleStatus!: string;
  @ApiProperty() achievementStatus!: string;
  @ApiProperty() targetRating!: number;
  @ApiProperty() checkInCount!: number;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) lastCheckInOn!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) suggestedAchievementStatus!: string | null;
  @ApiProperty({ type: [CaseSummaryGoalParty] }) parties!: CaseSummaryGoalParty[];
}

export class CaseSummaryAgreement {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: string;
  @ApiProperty() currentVersion!: number;
  @ApiProperty({ type: [PartyView] }) parties!: PartyView[];
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) reviewDate!: string | null;
}

export class CaseSummaryView {
  @ApiProperty({ type: CaseView }) case!: CaseView;
  @ApiProperty({ type: [CaseMemberView] }) members!: CaseMemberView[];
  @ApiProperty({ type: [CaseSummaryCareTeamMember] }) careTeam!: CaseSummaryCareTeamMember[];
  @ApiPropertyOptional({ type: CaseSummarySession, nullable: true })
  nextSession!: CaseSummarySession | null;
  @ApiPropertyOptional({
    type: CaseSummarySession,
    nullable: true,
    description: 'The latest session of the case that has started (completed or not)',
  })
  lastSession!: CaseSummarySession | null;
  @ApiProperty({
    type: [CaseSummaryGoal],
    description: 'Goals the case holds that are proposed, active or on hold',
  })
  goals!: CaseSummaryGoal[];
  @ApiProperty({
    type: [CaseSummaryAgreement],
    description: 'Agreements the case holds that are proposed, active or under review',
  })
  agreements!: CaseSummaryAgreement[];
}

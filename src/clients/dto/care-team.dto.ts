import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';

export const CARE_TEAM_ROLES = ['primary_counselor', 'co_therapist', 'supervisor'] as const;
export type CareTeamRole = (typeof CARE_TEAM_ROLES)[number];

export class AddCareTeamMemberDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() staffId!: string;

  @ApiProperty({
    enum: CARE_TEAM_ROLES,
    description: 'A new primary counselor replaces the current one',
  })
  @IsIn(CARE_TEAM_ROLES)
  role!: CareTeamRole;
}

export class CareTeamMemberView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty({ enum: ['admin', 'supervisor', 'counselor', 'intake_coordinator'] })
  staffRole!: string;
  @ApiProperty({ enum: CARE_TEAM_ROLES }) role!: CareTeamRole;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
}

/** The whole care team in one page (a handful of people): `nextCursor` is always null. */
export class CareTeamPage {
  @ApiProperty({ type: [CareTeamMemberView] }) data!: CareTeamMemberView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

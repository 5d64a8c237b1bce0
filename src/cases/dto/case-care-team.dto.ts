import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { CARE_TEAM_ROLES, type CareTeamRole } from '../../clients/dto/care-team.dto';

export class AddCaseCareTeamMemberDto {
  @ApiProperty({ format: 'uuid', description: 'An active counselor or supervisor' })
  @IsUUID()
  staffId!: string;

  @ApiProperty({
    enum: CARE_TEAM_ROLES,
    description:
      'A new primary counselor replaces the current one; a member already on the team changes role',
  })
  @IsIn(CARE_TEAM_ROLES)
  role!: CareTeamRole;
}

export class CaseCareTeamMemberView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty({ enum: ['admin', 'supervisor', 'counselor', 'intake_coordinator'] })
  staffRole!: string;
  @ApiProperty({ enum: CARE_TEAM_ROLES }) role!: CareTeamRole;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
}

/** The whole case care team in one page (a handful of people): `nextCursor` is always null. */
export class CaseCareTeamPage {
  @ApiProperty({ type: [CaseCareTeamMemberView] }) data!: CaseCareTeamMemberView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

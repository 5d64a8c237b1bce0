import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { IsCalendarDate, IsName } from '../../common/validation/decorators';
import { CASE_ROLES, PARTICIPATIONS, type CaseRole, type Participation } from './case.dto';

export class NewPersonDto {
  @ApiProperty() @IsName(1, 100) firstName!: string;
  @ApiPropertyOptional() @IsOptional() @IsName(1, 100) lastName?: string;
}

export class AddCaseMemberDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'An existing client' })
  @IsOptional()
  @IsUUID()
  clientId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A family member of a client' })
  @IsOptional()
  @IsUUID()
  familyMemberId?: string;
  @ApiPropertyOptional({ type: NewPersonDto, description: 'Someone known to this case only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => NewPersonDto)
  newPerson?: NewPersonDto;
  @ApiProperty({ enum: CASE_ROLES }) @IsIn(CASE_ROLES) role!: CaseRole;
  @ApiPropertyOptional({ enum: PARTICIPATIONS, default: 'participating' })
  @IsOptional()
  @IsIn(PARTICIPATIONS)
  participation?: Participation;
}

export class CaseMemberView {
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) clientId!: string | null;
  @ApiProperty() firstName!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) lastName!: string | null;
  @ApiProperty({ enum: CASE_ROLES }) role!: CaseRole;
  @ApiProperty({ enum: PARTICIPATIONS }) participation!: Participation;
}

export class CaseMemberList {
  @ApiProperty({ type: [CaseMemberView] }) data!: CaseMemberView[];
}

export class PromoteMemberDto {
  @ApiProperty({ format: 'date', description: 'A chart needs a date of birth' })
  @IsCalendarDate()
  dateOfBirth!: string;
  @ApiPropertyOptional({ description: 'When the person was recorded without a last name' })
  @IsOptional()
  @IsName(1, 100)
  lastName?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Defaults to a counselor making the change' })
  @IsOptional()
  @IsUUID()
  primaryCounselorId?: string;
}

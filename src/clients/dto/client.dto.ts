import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { NewClientCaseDto } from '../../cases/dto/case.dto';
import { PageQueryDto } from '../../common/pagination/cursor';
import {
  IsCalendarDate,
  IsPastCalendarDate,
  IsName,
  IsPlainText,
  IsProse,
} from '../../common/validation/decorators';
import { NormalizeEmail, BooleanQuery } from '../../common/validation/transforms';
import { CreateFamilyMemberDto, FamilyMemberView } from '../../family-members/family-member.dto';
import {
  ClientView,
  PRESENTING_CONCERNS,
  TRUST_INDICATORS,
  type ClientStatus,
} from '../client.row';

const PHONE = /^\+?[0-9 ()./-]{5,30}$/;

/** A family is a handful of people; a longer list is a mistake, not a family. */
export const MAX_FAMILY_MEMBERS_AT_CREATION = 20;

export class CreateClientDto {
  @ApiProperty({ example: 'Maya' }) @IsName(1, 100) firstName!: string;
  @ApiProperty({ example: 'Okafor' }) @IsName(1, 100) lastName!: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsName(1, 100)
  preferredName?: string | null;

  @ApiProperty({ format: 'date', example: '1998-04-02' })
  @IsPastCalendarDate()
  dateOfBirth!: string;

  @ApiPropertyOptional({ nullable: true, example: 'she/her' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsPlainText(1, 40)
  pronouns?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '+1 555 0100' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @Matches(PHONE, { message: 'must be a phone number (digits, spaces, + ( ) . / -)' })
  phone?: string | null;

  @ApiPropertyOptional({ enum: PRESENTING_CONCERNS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(PRESENTING_CONCERNS, { each: true })
  presentingConcerns?: string[];

  @ApiPropertyOptional({ enum: TRUST_INDICATORS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(TRUST_INDICATORS, { each: true })
  trustIndicators?: string[];

  @ApiPropertyOptional({ type: [String], example: ['suicidal_ideation_history'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  @Matches(/^[a-z0-9_]+$/, { each: true, message: 'each risk flag must be a snake_case code' })
  riskFlags?: string[];

  @ApiPropertyOptional({
    description: 'The record holds substance-use-disorder information (42 CFR Part 2)',
  })
  @IsOptional()
  @IsBoolean()
  substanceUseRecords?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Primary counselor. Defaults to the caller when a counselor or supervisor creates the client.',
  })
  @IsOptional()
  @IsUUID()
  primaryCounselorId?: string;

  @ApiPropertyOptional({
    type: [CreateFamilyMemberDto],
    description:
      'Family members created with the client, all or nothing (as if added one by one afterwards)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FAMILY_MEMBERS_AT_CREATION)
  @ValidateNested({ each: true })
  @Type(() => CreateFamilyMemberDto)
  familyMembers?: CreateFamilyMemberDto[];

  @ApiPropertyOptional({
    type: NewClientCaseDto,
    description:
      'Opens a case in the same transaction: the client as identified client, each family member with the role of their relationship, the primary counselor as the case’s',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => NewClientCaseDto)
  case?: NewClientCaseDto;
}

export class UpdateClientDto extends PartialType(
  OmitType(CreateClientDto, ['primaryCounselorId', 'familyMembers', 'case'] as const),
) {}

/** A created client; with the family members created with it when the request listed any. */
export class CreatedClientView extends ClientView {
  @ApiPropertyOptional({
    type: [FamilyMemberView],
    description: 'Present when the request gave `familyMembers`, in the order given',
  })
  familyMembers?: FamilyMemberView[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The case opened with the client, when the request gave `case`',
  })
  caseId?: string;
}

export class ChangeClientStatusDto {
  @ApiProperty({ enum: ['intake', 'active', 'on_hold', 'discharged'] })
  @IsIn(['intake', 'active', 'on_hold', 'discharged'])
  status!: Exclude<ClientStatus, 'entered_in_error'>;

  @ApiPropertyOptional({ description: 'Required when discharging' })
  @IsOptional()
  @IsProse(3, 2000)
  reason?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Required when discharging' })
  @IsOptional()
  @IsCalendarDate()
  dischargedOn?: string;
}

export class EnteredInErrorDto {
  @ApiProperty({ description: 'Why this record should not exist (kept with it)' })
  @IsProse(3, 2000)
  reason!: string;
}

export class ListClientsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['intake', 'active', 'on_hold', 'discharged'], isArray: true })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',') : value,
  )
  @IsArray()
  @IsIn(['intake', 'active', 'on_hold', 'discharged'], { each: true })
  status?: ClientStatus[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Clients on whose care team this staff member is',
  })
  @IsOptional()
  @IsUUID()
  counselorId?: string;

  @ApiPropertyOptional({ enum: PRESENTING_CONCERNS })
  @IsOptional()
  @IsIn(PRESENTING_CONCERNS)
  presentingConcern?: string;

  @ApiPropertyOptional({
    description: 'Only clients with (true) or without (false) substance-use records',
  })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  substanceUseRecords?: boolean;

  @ApiPropertyOptional({
    description: 'Prefix of a first, last or preferred name; case and accents ignored',
  })
  @IsOptional()
  @IsPlainText(1, 100)
  search?: string;

  @ApiPropertyOptional({ enum: ['name', 'lastActivity'], default: 'name' })
  @IsOptional()
  @IsIn(['name', 'lastActivity'])
  sort?: 'name' | 'lastActivity';
}

export class ClientPage {
  @ApiProperty({ type: [ClientView] })
  data!: ClientView[];

  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

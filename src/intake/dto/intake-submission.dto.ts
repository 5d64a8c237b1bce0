import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PRESENTING_CONCERNS, TRUST_INDICATORS } from '../../clients/client.row';
import { IsPastCalendarDate, IsPlainText, IsProse } from '../../common/validation/decorators';
import { NormalizeEmail } from '../../common/validation/transforms';
import { RELATIONSHIPS } from '../../family-members/family-member.dto';
import { CONSENTS, MAX_FAMILY_MEMBERS, MODALITIES } from '../intake-form';
import { CapForValidation, IsPersonName, PHONE, PHONE_MESSAGE } from '../intake-validation';

export class IntakeClientDto {
  @ApiProperty({ example: 'Maya' }) @IsPersonName(100) firstName!: string;
  @ApiProperty({ example: "O'Brien-Núñez" }) @IsPersonName(100) lastName!: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsPersonName(100)
  preferredName?: string | null;

  @ApiProperty({ format: 'date', example: '1998-04-02' })
  @IsPastCalendarDate()
  dateOfBirth!: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'she/her' })
  @IsOptional()
  @IsPlainText(1, 40)
  pronouns?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: '+1 555 0100' })
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone?: string | null;
}

export class IntakeFamilyMemberDto {
  @ApiProperty({ example: 'Grace' }) @IsPersonName(100) firstName!: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsPersonName(100)
  lastName?: string | null;

  @ApiProperty({ enum: RELATIONSHIPS, description: 'Relationship to the client' })
  @IsIn(RELATIONSHIPS)
  relationship!: (typeof RELATIONSHIPS)[number];

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone?: string | null;

  @ApiProperty({ description: 'Whether this person should take part in therapy' })
  @IsBoolean()
  shouldTakePart!: boolean;
}

export class EmergencyContactDto {
  @ApiProperty({ example: 'Ruth Okafor' }) @IsPersonName(200) name!: string;

  @ApiProperty({ example: '+1 555 0199' })
  @IsString()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone!: string;

  @ApiPropertyOptional({ enum: RELATIONSHIPS, nullable: true })
  @IsOptional()
  @IsIn(RELATIONSHIPS)
  relationship?: (typeof RELATIONSHIPS)[number] | null;
}

export class ConsentAcknowledgmentDto {
  @ApiProperty({ enum: CONSENTS.map((consent) => consent.key) })
  @IsString()
  @MaxLength(40)
  key!: string;

  @ApiProperty({ example: '2026-01', description: 'The version shown with the form' })
  @IsString()
  @MaxLength(40)
  version!: string;
}

/**
 * The intake form as submitted: by a prospective client through their link, or by staff and
 * integrations on their behalf. Kept as sent once it passes.
 */
export class IntakeSubmissionDto {
  @ApiProperty({ type: IntakeClientDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => IntakeClientDto)
  client!: IntakeClientDto;

  @ApiProperty({ enum: PRESENTING_CONCERNS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PRESENTING_CONCERNS.length)
  @ArrayUnique()
  @IsIn(PRESENTING_CONCERNS, { each: true })
  presentingConcerns!: string[];

  @ApiPropertyOptional({ enum: TRUST_INDICATORS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TRUST_INDICATORS.length)
  @ArrayUnique()
  @IsIn(TRUST_INDICATORS, { each: true })
  trustIndicators?: string[] | null;

  @ApiPropertyOptional({ type: [IntakeFamilyMemberDto], maxItems: MAX_FAMILY_MEMBERS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FAMILY_MEMBERS)
  @ValidateNested({ each: true })
  @Type(() => IntakeFamilyMemberDto)
  @CapForValidation(MAX_FAMILY_MEMBERS)
  familyMembers?: IntakeFamilyMemberDto[] | null;

  @ApiPropertyOptional({ enum: MODALITIES, nullable: true })
  @IsOptional()
  @IsIn(MODALITIES)
  preferredModality?: (typeof MODALITIES)[number] | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 1000 })
  @IsOptional()
  @IsProse(1, 1000)
  availability?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 5000 })
  @IsOptional()
  @IsProse(1, 5000)
  reasonForSeekingHelp?: string | null;

  @ApiProperty({ type: EmergencyContactDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => EmergencyContactDto)
  emergencyContact!: EmergencyContactDto;

  @ApiProperty({
    type: [ConsentAcknowledgmentDto],
    description: 'Every required consent at its current version (see the form definition)',
  })
  @IsArray()
  @ArrayMaxSize(CONSENTS.length)
  @ArrayUnique((consent: ConsentAcknowledgmentDto) => consent?.key)
  @ValidateNested({ each: true })
  @Type(() => ConsentAcknowledgmentDto)
  @CapForValidation(CONSENTS.length)
  consents!: ConsentAcknowledgmentDto[];
}

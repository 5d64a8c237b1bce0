import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { IsName, IsPastCalendarDate, IsPlainText } from '../common/validation/decorators';
import { NormalizeEmail } from '../common/validation/transforms';

export const RELATIONSHIPS = [
  'mother',
  'father',
  'daughter',
  'son',
  'partner',
  'spouse',
  'former_partner',
  'sibling',
  'grandparent',
  'guardian',
  'other_family',
  'friend_support',
] as const;
export const PARTICIPATION = ['participating', 'invited', 'declined', 'no_contact'] as const;

const nullable = () => ValidateIf((_: unknown, value: unknown) => value !== null);

export class CreateFamilyMemberDto {
  @ApiProperty({ example: 'Grace' }) @IsName(1, 100) firstName!: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @nullable()
  @IsName(1, 100)
  lastName?: string | null;

  @ApiProperty({ enum: RELATIONSHIPS, description: 'Relationship to the client' })
  @IsIn(RELATIONSHIPS)
  relationship!: (typeof RELATIONSHIPS)[number];

  @ApiPropertyOptional({ nullable: true, format: 'date' })
  @IsOptional()
  @nullable()
  @IsPastCalendarDate()
  dateOfBirth?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @nullable() @IsPlainText(1, 40) pronouns?:
    string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @nullable()
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @nullable()
  @Matches(/^\+?[0-9 ()./-]{5,30}$/, {
    message: 'must be a phone number (digits, spaces, + ( ) . / -)',
  })
  phone?: string | null;

  @ApiPropertyOptional({ enum: PARTICIPATION, default: 'invited' })
  @IsOptional()
  @IsIn(PARTICIPATION)
  participation?: (typeof PARTICIPATION)[number];
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() consentToContact?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() emergencyContact?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() deceased?: boolean;
  @ApiPropertyOptional({ nullable: true, format: 'date' })
  @IsOptional()
  @nullable()
  @IsPastCalendarDate()
  deceasedOn?: string | null;
}

export class UpdateFamilyMemberDto extends PartialType(CreateFamilyMemberDto) {}

export class FamilyMemberView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() firstName!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) lastName!: string | null;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) dateOfBirth!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) pronouns!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) email!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ enum: PARTICIPATION }) participation!: string;
  @ApiProperty() consentToContact!: boolean;
  @ApiProperty() emergencyContact!: boolean;
  @ApiProperty() deceased!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date' }) deceasedOn!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** The whole family in one page (families are small): `nextCursor` is always null. */
export class FamilyMemberPage {
  @ApiProperty({ type: [FamilyMemberView] }) data!: FamilyMemberView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

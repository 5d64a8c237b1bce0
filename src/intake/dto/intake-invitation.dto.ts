import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { NormalizeEmail } from '../../common/validation/transforms';

export const INVITATION_STATUSES = ['open', 'used', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export const DEFAULT_INVITATION_DAYS = 14;

export class CreateIntakeInvitationDto {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: "The prospective client's email, shown prefilled on the form",
  })
  @IsOptional()
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 60, default: DEFAULT_INVITATION_DAYS })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  expiresInDays?: number;
}

export class CreatedIntakeInvitationView {
  @ApiProperty({ format: 'uuid' }) id!: string;

  @ApiProperty({
    description:
      'The secret of the link. Shown once: only its hash is kept. Anyone holding it can submit one intake form.',
  })
  token!: string;

  @ApiProperty({
    example: '/api/v1/intake/3q2-7wHfX0mN8b5a1kQeVtJp4sYzR6uLcGdA9oWiE2M',
    description: 'The form address, relative to the API host',
  })
  url!: string;

  @ApiPropertyOptional({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class IntakeInvitationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ enum: INVITATION_STATUSES }) status!: InvitationStatus;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) usedAt!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) revokedAt!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) submissionId!:
    string | null;
}

export class ListIntakeInvitationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INVITATION_STATUSES })
  @IsOptional()
  @IsIn(INVITATION_STATUSES)
  status?: InvitationStatus;
}

export class IntakeInvitationPage {
  @ApiProperty({ type: [IntakeInvitationView] }) data!: IntakeInvitationView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

class FormOptionView {
  @ApiProperty() value!: string;
  @ApiProperty() label!: string;
}

class FormFieldView {
  @ApiProperty({ example: 'client.firstName', description: 'JSON path in the submission' })
  key!: string;
  @ApiProperty() label!: string;
  @ApiProperty({
    enum: ['text', 'textarea', 'date', 'email', 'tel', 'select', 'multiselect', 'boolean'],
  })
  type!: string;
  @ApiProperty() required!: boolean;
  @ApiPropertyOptional() maxLength?: number;
  @ApiPropertyOptional({ type: [FormOptionView] }) options?: FormOptionView[];
}

class FormSectionView {
  @ApiProperty() key!: string;
  @ApiProperty() title!: string;
  @ApiPropertyOptional({ description: 'For a repeated group: how many entries may be sent' })
  maxItems?: number;
  @ApiProperty({ type: [FormFieldView] }) fields!: FormFieldView[];
}

class ConsentTextView {
  @ApiProperty({ example: 'treatment' }) key!: string;
  @ApiProperty({ example: '2026-01' }) version!: string;
  @ApiProperty() title!: string;
  @ApiProperty() text!: string;
  @ApiProperty() required!: boolean;
}

class PracticeNameView {
  @ApiProperty() name!: string;
}

/** What the public form shows: its fields and the consent texts in force. */
export class IntakeFormView {
  @ApiProperty({ type: PracticeNameView }) practice!: PracticeNameView;
  @ApiPropertyOptional({ nullable: true, type: String }) prefilledEmail!: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ example: '2026-01' }) formVersion!: string;
  @ApiProperty({ type: [FormSectionView] }) sections!: FormSectionView[];
  @ApiProperty({ type: [ConsentTextView] }) consents!: ConsentTextView[];
}

export class IntakeReceiptView {
  @ApiProperty({ format: 'uuid', description: 'Reference of the submission' }) id!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

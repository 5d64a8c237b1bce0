import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { IsProse } from '../../common/validation/decorators';

export const SUBMISSION_STATUSES = ['pending', 'accepted', 'rejected', 'duplicate'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];
export const DUPLICATE_REASONS = ['name_and_date_of_birth', 'email', 'phone'] as const;

export class AcceptIntakeDto {
  @ApiProperty({ format: 'uuid', description: 'An active counselor or supervisor of the practice' })
  @IsUUID()
  primaryCounselorId!: string;

  @ApiPropertyOptional({
    default: true,
    description:
      'Create the family members (and the emergency contact) listed in the submission on the new client',
  })
  @IsOptional()
  @IsBoolean()
  createFamilyMembers?: boolean;
}

export class RejectIntakeDto {
  @ApiProperty({ description: 'Why the submission is not taken on (kept with it)' })
  @IsProse(3, 2000)
  reason!: string;
}

export class MergeIntakeDto {
  @ApiProperty({ format: 'uuid', description: 'The existing client this submission belongs to' })
  @IsUUID()
  clientId!: string;
}

export class ListIntakeSubmissionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: SUBMISSION_STATUSES,
    description: 'Without it: pending first, then the rest; newest first within each',
  })
  @IsOptional()
  @IsIn(SUBMISSION_STATUSES)
  status?: SubmissionStatus;
}

export class PossibleDuplicateView {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ example: 'C-000123' }) clientNumber!: string;
  @ApiProperty({ enum: DUPLICATE_REASONS, isArray: true }) reasons!: string[];
}

export class AcknowledgedConsentView {
  @ApiProperty({ example: 'treatment' }) key!: string;
  @ApiProperty({ example: '2026-01' }) version!: string;
  @ApiProperty() title!: string;
}

export class IntakeSubmissionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['invitation', 'staff'] }) source!: string;
  @ApiProperty({ enum: SUBMISSION_STATUSES }) status!: SubmissionStatus;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) invitationId!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) submittedBy!:
    string | null;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty({ format: 'date' }) dateOfBirth!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ type: [String] }) presentingConcerns!: string[];
  @ApiProperty() familyMemberCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) reviewedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) reviewedAt!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) rejectReason!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The client created from it (accepted) or it was merged into (duplicate)',
  })
  clientId!: string | null;
  @ApiProperty({
    type: [PossibleDuplicateView],
    description:
      'Existing clients of the practice with the same name and date of birth (case and accents ignored), email or phone digits',
  })
  possibleDuplicates!: PossibleDuplicateView[];
}

export class IntakeSubmissionDetailView extends IntakeSubmissionView {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The submission exactly as it was sent',
  })
  payload!: Record<string, unknown>;

  @ApiProperty({
    type: [AcknowledgedConsentView],
    description: 'The consent texts acknowledged, with their versions',
  })
  consents!: AcknowledgedConsentView[];
}

export class IntakeSubmissionPage {
  @ApiProperty({ type: [IntakeSubmissionView] }) data!: IntakeSubmissionView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

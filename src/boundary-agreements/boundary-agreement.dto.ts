import { BooleanQuery } from '../common/validation/transforms';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsUUID,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination/cursor';
import { IsCalendarDate, IsPlainText, IsProse } from '../common/validation/decorators';
import { IsTimestamp } from '../common/validation/is-timestamp';
import { PartyDto, PartyView } from '../parties/party';

export const BOUNDARY_CATEGORIES = [
  'physical',
  'emotional',
  'time',
  'communication',
  'financial',
  'substance_use',
  'digital_privacy',
  'living_arrangements',
  'other',
] as const;
export const AGREEMENT_STATUSES = [
  'draft',
  'proposed',
  'active',
  'under_review',
  'retired',
] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
export const ACK_METHODS = ['in_session', 'written', 'verbal', 'electronic'] as const;
export const SEVERITIES = ['minor', 'moderate', 'major'] as const;

export class BoundaryItemDto {
  @ApiProperty({ enum: BOUNDARY_CATEGORIES }) @IsIn(BOUNDARY_CATEGORIES) category!: string;
  @ApiProperty({ type: PartyDto, description: 'The party who sets this boundary' })
  @ValidateNested()
  @Type(() => PartyDto)
  setBy!: PartyDto;
  @ApiProperty({ example: 'No phone calls after 10 pm.' }) @IsProse(1, 2000) boundary!: string;
  @ApiProperty({ example: 'Text instead, unless it is an emergency.' })
  @IsProse(1, 2000)
  expectation!: string;
  @ApiProperty({ example: 'The call is not answered; we talk about it at the next session.' })
  @IsProse(1, 2000)
  responseIfCrossed!: string;
}

export class CreateAgreementDto {
  @ApiProperty({ example: 'Evenings and money' }) @IsPlainText(1, 200) title!: string;

  @ApiProperty({
    type: [PartyDto],
    description:
      'Two or more parties: of this client (the client, family members), or for a case’s agreement persons of the case',
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(12)
  @ValidateNested({ each: true })
  @Type(() => PartyDto)
  parties!: PartyDto[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Facilitating counselor; defaults to the caller',
  })
  @IsOptional()
  @IsUUID()
  facilitatorId?: string;

  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() reviewDate?: string;

  @ApiPropertyOptional({ type: [BoundaryItemDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => BoundaryItemDto)
  items?: BoundaryItemDto[];
}

export class UpdateAgreementDto {
  @ApiPropertyOptional() @IsOptional() @IsPlainText(1, 200) title?: string;

  @ApiPropertyOptional({ format: 'date', nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsCalendarDate()
  reviewDate?: string | null;

  @ApiPropertyOptional({
    type: [BoundaryItemDto],
    description: 'New terms: a new version (acknowledgments start over)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => BoundaryItemDto)
  items?: BoundaryItemDto[];
}

export class ChangeAgreementStatusDto {
  @ApiProperty({ enum: AGREEMENT_STATUSES }) @IsIn(AGREEMENT_STATUSES) status!: AgreementStatus;
}

export class AcknowledgeDto {
  @ApiProperty({ type: PartyDto }) @ValidateNested() @Type(() => PartyDto) party!: PartyDto;
  @ApiProperty({ enum: ACK_METHODS }) @IsIn(ACK_METHODS) method!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to now' })
  @IsOptional()
  @IsTimestamp()
  acknowledgedAt?: string;
}

export class ReportViolationDto {
  @ApiProperty({ format: 'uuid', description: 'The item that was crossed' })
  @IsUUID()
  itemId!: string;
  @ApiProperty({ type: PartyDto, description: 'Who reported it' })
  @ValidateNested()
  @Type(() => PartyDto)
  reportedBy!: PartyDto;
  @ApiProperty({ format: 'date-time' }) @IsTimestamp() occurredAt!: string;
  @ApiProperty({ enum: SEVERITIES }) @IsIn(SEVERITIES) severity!: string;
  @ApiProperty({ example: 'Called at 11:40 pm after a bad day.' })
  @IsProse(1, 5000)
  description!: string;
  @ApiPropertyOptional({ example: 'Mother did not answer; texted the next morning.' })
  @IsOptional()
  @IsProse(1, 5000)
  responseTaken?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Session where it was discussed' })
  @IsOptional()
  @IsUUID()
  sessionId?: string;
}

export class ListViolationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() itemId?: string;
}

export class ListAgreementsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'Only agreements whose review date has passed or falls within the practice notice period',
  })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  reviewDue?: boolean;

  @ApiPropertyOptional({ enum: AGREEMENT_STATUSES })
  @IsOptional()
  @IsIn(AGREEMENT_STATUSES)
  status?: AgreementStatus;
}

export class BoundaryItemView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ enum: BOUNDARY_CATEGORIES }) category!: string;
  @ApiProperty({ type: PartyView }) setBy!: PartyView;
  @ApiProperty() boundary!: string;
  @ApiProperty() expectation!: string;
  @ApiProperty() responseIfCrossed!: string;
}

export class AcknowledgmentView {
  @ApiProperty({ type: PartyView }) party!: PartyView;
  @ApiProperty({ enum: ACK_METHODS }) method!: string;
  @ApiProperty({ format: 'date-time' }) acknowledgedAt!: string;
  @ApiProperty({ format: 'uuid' }) recordedBy!: string;
}

/** One version of the terms in the list of versions: its number and when it was written. */
export class AgreementVersionSummary {
  @ApiProperty({ minimum: 1 }) number!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** Every version of the terms, oldest first, in one page (an agreement has few). */
export class AgreementVersionPage {
  @ApiProperty({ type: [AgreementVersionSummary] }) data!: AgreementVersionSummary[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Always null: one page holds them all',
  })
  nextCursor!: string | null;
}

export class AgreementVersionView {
  @ApiProperty() number!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: [BoundaryItemView] }) items!: BoundaryItemView[];
  @ApiProperty({ type: [AcknowledgmentView] }) acknowledgments!: AcknowledgmentView[];
}

export class AgreementView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The client whose agreement it is; null for an agreement a case holds',
  })
  clientId!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'The case it belongs to. An agreement a case holds (`clientId` null) is among persons of that case',
  })
  caseId!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'uuid' }) facilitatorId!: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status!: AgreementStatus;
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String }) reviewDate!: string | null;
  @ApiProperty({ type: [PartyView] }) parties!: PartyView[];
  @ApiProperty({ description: 'Number of the version in force' }) currentVersion!: number;
  @ApiProperty({ type: [BoundaryItemView] }) items!: BoundaryItemView[];
  @ApiProperty({ type: [AcknowledgmentView], description: 'Of the current version' })
  acknowledgments!: AcknowledgmentView[];
  @ApiProperty({ description: 'Every party has acknowledged the current version' })
  fullyAcknowledged!: boolean;
  @ApiProperty() violationCount!: number;
  @ApiProperty() openViolationCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class AgreementPage {
  @ApiProperty({ type: [AgreementView] }) data!: AgreementView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ViolationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({ format: 'uuid' }) itemId!: string;
  @ApiProperty({ type: PartyView }) reportedBy!: PartyView;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty() description!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) responseTaken!: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) sessionId!: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) resolvedAt!:
    string | null;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Setbacks on trust goals recorded for this violation',
  })
  setbackIds!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ViolationPage {
  @ApiProperty({ type: [ViolationView] }) data!: ViolationView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

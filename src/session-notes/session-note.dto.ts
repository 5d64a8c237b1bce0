import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { IsProse } from '../common/validation/decorators';
import { NOTE_FORMATS, RISK_LEVELS, type NoteFormat, type RiskLevel } from './note-format';

export class CreateSessionNoteDto {
  @ApiProperty({
    enum: NOTE_FORMATS,
    description: 'The note’s format, which decides the sections `content` holds',
  })
  @IsIn(NOTE_FORMATS)
  format!: NoteFormat;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { subjective: '…' },
  })
  @IsOptional()
  @IsObject()
  content?: Record<string, string>;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Trust-rebuilding goals addressed',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  goalsAddressed?: string[];

  @ApiPropertyOptional({ type: [String], example: ['reflective listening', 'boundary rehearsal'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  interventions?: string[];

  @ApiPropertyOptional({ enum: RISK_LEVELS })
  @IsOptional()
  @IsIn(RISK_LEVELS)
  riskLevel?: RiskLevel;

  @ApiPropertyOptional({
    nullable: true,
    description: 'Required to sign when risk is moderate or high',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsProse(1, 5000)
  riskPlan?: string | null;
}

export class UpdateSessionNoteDto extends PartialType(CreateSessionNoteDto) {}

export class ReturnNoteDto {
  @ApiProperty({ example: 'Please add the safety plan you agreed with the client.' })
  @IsProse(3, 5000)
  comment!: string;
}

export class AddendumDto {
  @ApiProperty({ example: 'Client called the next day to report the plan is holding.' })
  @IsProse(1, 20000)
  text!: string;
}

export class AddendumView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) signedAt!: string;
  @ApiProperty({ description: 'SHA-256 of the signed addendum' }) contentHash!: string;
}

export class SessionNoteView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty({ enum: NOTE_FORMATS }) format!: NoteFormat;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) content!: Record<
    string,
    string
  >;
  @ApiProperty({ type: [String] }) goalsAddressed!: string[];
  @ApiProperty({ type: [String] }) interventions!: string[];
  @ApiPropertyOptional({ enum: RISK_LEVELS, nullable: true }) riskLevel!: RiskLevel | null;
  @ApiPropertyOptional({ nullable: true, type: String }) riskPlan!: string | null;
  @ApiProperty({ enum: ['draft', 'awaiting_cosign', 'returned', 'signed'] }) status!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) signedBy!: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) signedAt!:
    string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'SHA-256 of the signed content',
  })
  contentHash!: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) cosignedBy!: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) cosignedAt!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) returnComment!: string | null;
  @ApiProperty({ type: [AddendumView] }) addenda!: AddendumView[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ClientNoteList {
  @ApiProperty({ type: [SessionNoteView] }) data!: SessionNoteView[];
}

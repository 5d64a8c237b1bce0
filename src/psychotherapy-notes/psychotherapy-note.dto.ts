import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches, ValidateIf } from 'class-validator';
import { IsProse } from '../common/validation/decorators';

const NOT_BLANK = /\S/;
export const MAX_NOTE_LENGTH = 20000;

export class CreatePsychotherapyNoteDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_NOTE_LENGTH, description: 'The process note' })
  @IsProse(1, MAX_NOTE_LENGTH)
  @Matches(NOT_BLANK, { message: 'must not be blank' })
  text!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A session of this client' })
  @IsOptional()
  @IsUUID()
  sessionId?: string;
}

export class UpdatePsychotherapyNoteDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_NOTE_LENGTH })
  // Absent means unchanged; null is not a note.
  @ValidateIf((_: unknown, value: unknown) => value !== undefined)
  @IsProse(1, MAX_NOTE_LENGTH)
  @Matches(NOT_BLANK, { message: 'must not be blank' })
  text?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'A session of this client, or null to detach the note from its session',
  })
  @IsOptional()
  @IsUUID()
  sessionId?: string | null;
}

export class PsychotherapyNoteView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) sessionId!: string | null;
  @ApiProperty({ format: 'uuid', description: 'Always you: only the author reaches a note' })
  authorId!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PsychotherapyNotePage {
  @ApiProperty({ type: [PsychotherapyNoteView] }) data!: PsychotherapyNoteView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

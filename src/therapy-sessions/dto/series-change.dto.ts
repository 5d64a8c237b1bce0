import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { IsTimestamp } from '../../common/validation/is-timestamp';
import { TherapySessionView } from '../therapy-session.row';

export class EndSeriesDto {
  @ApiProperty({
    format: 'date-time',
    description: 'Scheduled occurrences from then on are cancelled',
  })
  @IsTimestamp()
  from!: string;
}

export class MoveSeriesDto {
  @ApiProperty({ format: 'date-time', description: 'Scheduled occurrences from then on move' })
  @IsTimestamp()
  from!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'The new start of the first occurrence moved; the others keep their spacing',
  })
  @IsTimestamp()
  startsAt!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Its new end: every occurrence gets this length',
  })
  @IsTimestamp()
  endsAt!: string;

  @ApiPropertyOptional({
    description:
      'Move the free occurrences and report the conflicting ones (otherwise 409, nothing moves)',
  })
  @IsOptional()
  @IsBoolean()
  skipConflicts?: boolean;
}

export class SeriesConflictView {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'uuid' }) conflictingSessionId!: string;
}

export class SeriesMoveView {
  @ApiProperty({ type: [TherapySessionView] }) moved!: TherapySessionView[];
  @ApiProperty({ type: [SeriesConflictView] }) conflicts!: SeriesConflictView[];
}

export class SeriesEndView {
  @ApiProperty({ type: [TherapySessionView] }) cancelled!: TherapySessionView[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsTimestamp } from '../../common/validation/is-timestamp';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A time range of the audit log to export, and the format to export it in. */
export class ExportAuditEventsDto {
  @ApiProperty({ format: 'date-time', description: 'Occurred at or after (inclusive)' })
  @IsTimestamp()
  from!: string;

  @ApiProperty({ format: 'date-time', description: 'Occurred before (exclusive)' })
  @IsTimestamp()
  to!: string;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'ndjson' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AccessLogEntryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ enum: ['staff', 'api_client', 'intake_link', 'system', 'anonymous'] })
  actorType!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) actorId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Staff member name' })
  actorName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) actorRole!: string | null;
  @ApiProperty({ example: 'read' }) action!: string;
  @ApiProperty({ example: 'client' }) resourceType!: string;
  @ApiProperty({ enum: ['success', 'denied', 'failure'] }) outcome!: string;
  @ApiProperty({ type: [String], description: 'Names of fields changed (never values)' })
  changedFields!: string[];
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'How access was granted, e.g. emergency',
  })
  via!: string | null;
}

export class AccessLogPage {
  @ApiProperty({ type: [AccessLogEntryView] }) data!: AccessLogEntryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

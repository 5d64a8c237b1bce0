import { ApiProperty } from '@nestjs/swagger';
import type { AuditEventView } from '../audit-event.row';

/** One audit event (OpenAPI schema of {@link AuditEventView}). */
export class AuditEventDto implements AuditEventView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time', example: '2026-01-31T09:00:00.123456Z' })
  occurredAt!: string;

  @ApiProperty({ enum: ['staff', 'api_client', 'intake_link', 'system', 'anonymous'] })
  actorType!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  actorId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'counselor' })
  actorRole!: string | null;

  @ApiProperty({ example: 'read' })
  action!: string;

  @ApiProperty({ example: 'client' })
  resourceType!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The record acted on, usually a UUID; for a denied route, its method and path',
  })
  resourceId!: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  clientId!: string | null;

  @ApiProperty({ enum: ['success', 'denied', 'failure'] })
  outcome!: string;

  @ApiProperty({ type: [String], description: 'Names of the fields that changed, never values' })
  changedFields!: string[];

  @ApiProperty({ nullable: true, type: String })
  requestId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7' })
  ip!: string | null;

  @ApiProperty({ nullable: true, type: String })
  userAgent!: string | null;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] })
  data!: AuditEventDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}

/** Result of walking the practice's audit chain. */
export class AuditChainVerificationDto {
  @ApiProperty({ description: 'Every link and linked event is intact' })
  ok!: boolean;

  @ApiProperty({ description: 'Links found intact from the start of the chain' })
  checked!: number;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  firstBrokenEventId!: string | null;

  @ApiProperty({
    description: 'Events not linked yet because their transaction was still open (normally 0)',
  })
  unsealed!: number;
}

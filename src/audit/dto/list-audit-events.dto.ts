import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/cursor';
import { AUDIT_ACTIONS, type AuditAction } from '../audit-event';
import { IsTimestamp } from '../../common/validation/is-timestamp';

/** Filters of the audit log. Every filter narrows; the practice is always the caller's. */
export class ListAuditEventsDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Events touching this client's record" })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Events done by this staff member' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({ example: 'client', description: 'Kind of resource acted on' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z][a-z0-9_]*$/, { message: 'must be a resource type such as client' })
  resourceType?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Occurred at or after (inclusive)' })
  @IsOptional()
  @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Occurred before (exclusive)' })
  @IsOptional()
  @IsTimestamp()
  to?: string;
}

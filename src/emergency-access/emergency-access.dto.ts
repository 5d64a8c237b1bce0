import { BooleanQuery } from '../common/validation/transforms';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../common/pagination/cursor';
import { IsProse } from '../common/validation/decorators';

export class RequestEmergencyAccessDto {
  @ApiProperty({
    minLength: 20,
    example: 'Client called in crisis; primary counselor unreachable tonight.',
  })
  @IsProse(20, 2000)
  reason!: string;
}

export class EmergencyGrantView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null for a case grant',
  })
  clientId!: string | null;
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null for a client grant',
  })
  caseId!: string | null;
  @ApiProperty({ format: 'uuid' }) staffId!: string;
  @ApiProperty() staffName!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty() active!: boolean;
}

export class ListEmergencyGrantsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() clientId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() staffId?: string;

  @ApiPropertyOptional({ description: 'Only grants still in force' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  active?: boolean;
}

export class EmergencyGrantPage {
  @ApiProperty({ type: [EmergencyGrantView] }) data!: EmergencyGrantView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

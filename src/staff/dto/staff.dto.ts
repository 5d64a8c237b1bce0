import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { STAFF_ROLES, type StaffRole } from '../../common/actor/actor';
import { NormalizeEmail, BooleanQuery } from '../../common/validation/transforms';
import { MIN_PASSWORD_LENGTH } from '../../auth/password-hasher';
import { PageQueryDto } from '../../common/pagination/cursor';

export class CreateStaffDto {
  @ApiProperty({ example: 'new.counselor@riverside.example' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'Jordan' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  firstName!: string;

  @ApiProperty({ example: 'Lee' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  lastName!: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role!: StaffRole;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Supervisor of a counselor' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  supervisorId?: string | null;

  @ApiPropertyOptional({
    description: 'Trainee: notes are final only once the supervisor co-signs',
  })
  @IsOptional()
  @IsBoolean()
  requiresCosign?: boolean;

  @ApiPropertyOptional({
    minLength: MIN_PASSWORD_LENGTH,
    description: 'Initial password. Without it a one-time set-password token is returned instead.',
  })
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password?: string;
}

export class UpdateStaffDto extends PartialType(
  PickType(CreateStaffDto, [
    'firstName',
    'lastName',
    'role',
    'supervisorId',
    'requiresCosign',
  ] as const),
) {}

export class ListStaffQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @IsOptional()
  @IsIn(STAFF_ROLES)
  role?: StaffRole;

  @ApiPropertyOptional({ description: 'true: active staff only; false: deactivated only' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  active?: boolean;
}

export class StaffView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty({ enum: STAFF_ROLES }) role!: StaffRole;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) supervisorId!: string | null;
  @ApiProperty() requiresCosign!: boolean;
  @ApiProperty() active!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deactivatedAt!: string | null;
  @ApiProperty({ description: 'Locked after repeated failed logins' }) locked!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatedStaffView extends StaffView {
  @ApiPropertyOptional({
    description: 'One-time set-password token; shown once, only when no password was given',
  })
  setPasswordToken?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  setPasswordExpiresAt?: string;
}

export class StaffPage {
  @ApiProperty({ type: [StaffView] }) data!: StaffView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class MeView extends StaffView {
  @ApiProperty({
    example: { id: '…', name: 'Riverside Family Counseling', timeZone: 'America/Chicago' },
  })
  practice!: { id: string; name: string; timeZone: string };
}

import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { API_SCOPES, GRANTABLE_API_SCOPES, type ApiScope } from '../common/actor/actor';
import { AUTH_ERRORS } from '../auth/auth-errors';
import { IsPlainText } from '../common/validation/decorators';
import { API_CLIENT_ERRORS } from './api-client-errors';

const SCOPES_DESCRIPTION = `What the keys may do. Each route an API client may call needs one scope; routes without one (staff administration, psychotherapy notes among them) are refused whatever the scopes, and so are a clinician’s own acts (writing or signing notes: 403 \`${AUTH_ERRORS.staffAuthorRequired.code}\`). \`audit:read\` is only for an API client without a caseload (422 \`${API_CLIENT_ERRORS.auditScopeNeedsWholePractice.code}\`). \`measures:read\` (outcome measures) and \`fhir:read\` (the FHIR facade) are reserved for features not built yet and refused when granted (400 naming \`scopes\`), so a key never gains a new kind of data its admin did not review.`;
const RESERVED_MESSAGE =
  'each value must be a scope some route accepts: measures:read and fhir:read are reserved for features not built yet';
const CASELOAD_DESCRIPTION =
  'Counselors (or supervisors) whose clients the API client reaches: the clients on their care teams. Omitted or null: every client of the practice.';
const IP_DESCRIPTION =
  'Addresses or CIDR ranges the keys may be used from (IPv4 or IPv6). Omitted or null: anywhere.';

export class CreateApiClientDto {
  @ApiProperty({ example: 'Billing sync', minLength: 1, maxLength: 100 })
  @IsPlainText(1, 100)
  name!: string;

  @ApiProperty({
    enum: API_SCOPES,
    isArray: true,
    enumName: 'ApiScope',
    description: SCOPES_DESCRIPTION,
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(GRANTABLE_API_SCOPES, { each: true, message: RESERVED_MESSAGE })
  scopes!: ApiScope[];

  @ApiPropertyOptional({ format: 'uuid', description: 'An active admin; the caller by default' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    nullable: true,
    maxItems: 100,
    description: CASELOAD_DESCRIPTION,
  })
  @ValidateIf((_: unknown, value: unknown) => value !== undefined && value !== null)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  caseloadStaffIds?: string[] | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    maxItems: 50,
    example: ['203.0.113.0/24'],
    description: IP_DESCRIPTION,
  })
  @ValidateIf((_: unknown, value: unknown) => value !== undefined && value !== null)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(49, { each: true })
  ipAllowList?: string[] | null;
}

/** Any of the creation fields; `null` caseload or allow-list lifts the restriction. */
export class UpdateApiClientDto extends PartialType(CreateApiClientDto) {}

export class ApiKeyViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    example: 'ftk_live_Q2x9',
    description: 'The start of the key, to tell keys apart',
  })
  prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) revokedAt!:
    string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Updated at most once a minute',
  })
  lastUsedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastUsedIp!: string | null;
}

export class ApiClientViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'uuid' }) ownerId!: string;
  @ApiProperty({ enum: API_SCOPES, isArray: true, enumName: 'ApiScope' }) scopes!: ApiScope[];
  @ApiPropertyOptional({ type: [String], format: 'uuid', nullable: true }) caseloadStaffIds!:
    string[] | null;
  @ApiPropertyOptional({ type: [String], nullable: true }) ipAllowList!: string[] | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) revokedAt!:
    string | null;
  @ApiProperty({ type: [ApiKeyViewDto] }) keys!: ApiKeyViewDto[];
}

export class ApiClientPageDto {
  @ApiProperty({ type: [ApiClientViewDto] }) data!: ApiClientViewDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CreatedApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    example: 'ftk_live_Q2x9bV7kLmN3pR8sT1uW4yZ6aC0dE5fG9hJ2kM4nP7q',
    description:
      'The key, sent as `Authorization: Bearer <key>`. Shown once: only its hash is kept. Store it as a secret.',
  })
  key!: string;
}

export class CreatedApiClientDto extends ApiClientViewDto {
  @ApiProperty({
    example: 'ftk_live_Q2x9bV7kLmN3pR8sT1uW4yZ6aC0dE5fG9hJ2kM4nP7q',
    description:
      'The first key, sent as `Authorization: Bearer <key>`. Shown once: only its hash is kept.',
  })
  key!: string;
}

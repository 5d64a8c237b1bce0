import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination/cursor';
import { IsPlainText } from '../common/validation/decorators';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-event-types';

export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed'] as const;

export class CreateWebhookEndpointDto {
  @ApiProperty({
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    example: 'https://practice-software.example/hooks/family-therapy',
    description:
      'http or https, on a public address: loopback, private, link-local, CGNAT, metadata and other non-public addresses are refused (422 naming `url`) unless the operator allows them.',
  })
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, minItems: 1, uniqueItems: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes!: WebhookEventType[];

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: 'Never put client details here',
  })
  @IsOptional()
  @IsPlainText(1, 200)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ maxLength: WEBHOOK_URL_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, minItems: 1, uniqueItems: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes?: WebhookEventType[];

  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsPlainText(1, 200)
  description?: string;

  @ApiPropertyOptional({
    description:
      'false disables the endpoint; true re-enables one (also one disabled after repeated failures) and resets its failure count.',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookEndpointView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) eventTypes!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) disabledAt!:
    string | null;
  @ApiPropertyOptional({
    nullable: true,
    enum: ['manual', 'consecutive_failures'],
    description: '`consecutive_failures`: disabled by the delivery worker after repeated failures',
  })
  disabledReason!: string | null;
  @ApiProperty({ description: 'Failed attempts in a row (reset by a success)' })
  consecutiveFailures!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatedWebhookEndpointView extends WebhookEndpointView {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The Standard Webhooks signing secret (`whsec_` + base64). Shown once: verify `webhook-signature` with it.',
  })
  secret!: string;
}

export class WebhookEndpointPage {
  @ApiProperty({ type: [WebhookEndpointView] }) data!: WebhookEndpointView[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor!: string | null;
}

export class DeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The `webhook-id` header: the same on every retry' })
  eventId!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) eventType!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastAttemptAt!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) lastLatencyMs!: number | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'A short code when no answer came (`timeout`, `destination_refused`, …)',
  })
  lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) completedAt!:
    string | null;
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryView] }) data!: WebhookDeliveryView[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor!: string | null;
}

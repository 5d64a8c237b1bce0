import {
  Body,
  Controller,
  Delete,
  Headers,
  Res,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Caller } from '../common/actor/actor';
import { CurrentCaller, Roles, Scope } from '../common/actor/decorators';
import { NoIdempotencyKey } from '../common/idempotency/idempotency.decorators';
import type { Response } from 'express';
import { withEtag } from '../common/http/etag';
import { ApiEtagHeader, ApiIfMatch } from '../common/http/response-headers.decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { PageQueryDto } from '../common/pagination/cursor';
import {
  CreateWebhookEndpointDto,
  CreatedWebhookEndpointView,
  DeliveryQueryDto,
  UpdateWebhookEndpointDto,
  WebhookDeliveryPage,
  WebhookDeliveryView,
  WebhookEndpointPage,
  WebhookEndpointView,
} from './webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

// Admins, and API keys holding `webhooks:manage` (an endpoint an API client registers is recorded
// as created by the client's owner).
@ApiTags('webhooks')
@ApiBearerAuth('bearer')
@Roles('admin')
@Scope('webhooks:manage')
@Controller('webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @ApiOperation({
    operationId: 'createWebhookEndpoint',
    summary: 'Register a webhook endpoint (admins); the signing secret is shown once',
    description:
      'Deliveries follow Standard Webhooks: headers `webhook-id` (the same on every retry), `webhook-timestamp`, `webhook-signature`; the body is `{ type, timestamp, data }` with ids only.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookEndpointView })
  @NoIdempotencyKey('replaying the answer would mean storing the signing secret with it')
  create(
    @CurrentCaller() actor: Caller,
    @Body() body: CreateWebhookEndpointDto,
  ): Promise<CreatedWebhookEndpointView> {
    return this.endpoints.create(actor, body);
  }

  @Get()
  @ApiOperation({
    operationId: 'listWebhookEndpoints',
    summary: "The practice's webhook endpoints",
  })
  @ApiOkResponse({ type: WebhookEndpointPage })
  list(@CurrentCaller() actor: Caller, @Query() query: PageQueryDto): Promise<WebhookEndpointPage> {
    return this.endpoints.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getWebhookEndpoint', summary: 'One webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiEtagHeader()
  async get(
    @CurrentCaller() actor: Caller,
    @Param('id', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WebhookEndpointView> {
    return withEtag(response, await this.endpoints.get(actor, id));
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateWebhookEndpoint',
    summary: 'Change the URL, event types or description; disable or re-enable',
  })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiIfMatch()
  async update(
    @CurrentCaller() actor: Caller,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateWebhookEndpointDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WebhookEndpointView> {
    return withEtag(response, await this.endpoints.update(actor, id, body, ifMatch));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete an endpoint and its delivery log',
  })
  @ApiNoContentResponse()
  remove(@CurrentCaller() actor: Caller, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.endpoints.remove(actor, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: "An endpoint's delivery log, newest first: status, attempts, latency, response code",
  })
  @ApiOkResponse({ type: WebhookDeliveryPage })
  deliveries(
    @CurrentCaller() actor: Caller,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: DeliveryQueryDto,
  ): Promise<WebhookDeliveryPage> {
    return this.endpoints.deliveries(actor, id, query);
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'replayWebhookDelivery',
    summary: 'Send a delivery again (same `webhook-id`, fresh retry budget)',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryView })
  replay(
    @CurrentCaller() actor: Caller,
    @Param('id', UuidParamPipe) id: string,
    @Param('deliveryId', UuidParamPipe) deliveryId: string,
  ): Promise<WebhookDeliveryView> {
    return this.endpoints.replay(actor, id, deliveryId);
  }
}

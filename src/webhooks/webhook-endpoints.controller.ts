import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor, Roles } from '../common/actor/decorators';
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

// Admins only for now. When API clients land, the same routes also take an API key holding the
// `webhooks:manage` scope (the one place to apply it is this class).
@ApiTags('webhooks')
@ApiBearerAuth('bearer')
@Roles('admin')
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
  create(
    @CurrentActor() actor: StaffActor,
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
  list(
    @CurrentActor() actor: StaffActor,
    @Query() query: PageQueryDto,
  ): Promise<WebhookEndpointPage> {
    return this.endpoints.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getWebhookEndpoint', summary: 'One webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointView })
  get(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<WebhookEndpointView> {
    return this.endpoints.get(actor, id);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateWebhookEndpoint',
    summary: 'Change the URL, event types or description; disable or re-enable',
  })
  @ApiOkResponse({ type: WebhookEndpointView })
  update(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointView> {
    return this.endpoints.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete an endpoint and its delivery log',
  })
  @ApiNoContentResponse()
  remove(@CurrentActor() actor: StaffActor, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.endpoints.remove(actor, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: "An endpoint's delivery log, newest first: status, attempts, latency, response code",
  })
  @ApiOkResponse({ type: WebhookDeliveryPage })
  deliveries(
    @CurrentActor() actor: StaffActor,
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
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Param('deliveryId', UuidParamPipe) deliveryId: string,
  ): Promise<WebhookDeliveryView> {
    return this.endpoints.replay(actor, id, deliveryId);
  }
}

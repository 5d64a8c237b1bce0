import { Global, Module } from '@nestjs/common';
import { WebhookDeliveryWorker } from './webhook-delivery-worker';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookOutbox } from './webhook-outbox';

/** Webhook endpoints, the outbox every feature emits to, and the delivery worker. */
@Global()
@Module({
  controllers: [WebhookEndpointsController],
  providers: [
    WebhookOutbox,
    WebhookEndpointsService,
    WebhookDeliveryService,
    WebhookDeliveryWorker,
  ],
  exports: [WebhookOutbox, WebhookDeliveryService],
})
export class WebhooksModule {}

import { Global, Module } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';
import { IdempotentPostRoutes } from './idempotent-post-routes';

/** `Idempotency-Key` on every creating POST (the interceptor), and the service it runs on. */
@Global()
@Module({
  providers: [IdempotencyService, IdempotencyInterceptor, IdempotentPostRoutes],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}

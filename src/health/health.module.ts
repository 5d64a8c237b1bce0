import { Global, Module } from '@nestjs/common';
import { ApiIndexController } from './api-index.controller';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';
import { ShutdownState } from './shutdown-state';

@Global()
@Module({
  controllers: [HealthController, ApiIndexController],
  providers: [ShutdownState, ReadinessService],
  exports: [ShutdownState, ReadinessService],
})
export class HealthModule {}

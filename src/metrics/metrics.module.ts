import { Global, Module } from '@nestjs/common';
import { AppMetrics } from './app-metrics';
import { OperationsServer } from './operations-server';
import { QueueDepths } from './queue-depths';

/**
 * `/metrics` (Prometheus) and the optional operations port. Global so that any module with a
 * background queue can register its depth with {@link QueueDepths}.
 */
@Global()
@Module({
  providers: [AppMetrics, QueueDepths, OperationsServer],
  exports: [AppMetrics, QueueDepths],
})
export class MetricsModule {}

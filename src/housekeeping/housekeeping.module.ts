import { Module } from '@nestjs/common';
import { HousekeepingScheduler } from './housekeeping-scheduler';
import { HousekeepingService } from './housekeeping.service';

/** Scheduled purge of expired tokens, idempotency keys, rate-limit buckets and intake links. */
@Module({
  providers: [HousekeepingService, HousekeepingScheduler],
  exports: [HousekeepingService],
})
export class HousekeepingModule {}

import { Global, Module } from '@nestjs/common';
import { AuditCheckpointScheduler } from './audit-checkpoint-scheduler';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditCheckpointsController } from './audit-checkpoints.controller';
import { AuditEventsController } from './audit-events.controller';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { AuditSealLag } from './audit-seal-lag';
import { AuditSealScheduler } from './audit-seal-scheduler';
import { AuditSealer } from './audit-sealer';
import { AuditVerifier } from './audit-verifier';
import { AuditService } from './audit.service';

@Global()
@Module({
  controllers: [AuditEventsController, AuditCheckpointsController],
  providers: [
    AuditService,
    AuditSealer,
    AuditSealScheduler,
    AuditVerifier,
    AuditQueryService,
    AuditExportService,
    AuditCheckpointService,
    AuditCheckpointScheduler,
    AuditSealLag,
  ],
  exports: [AuditService, AuditSealLag],
})
export class AuditModule {}

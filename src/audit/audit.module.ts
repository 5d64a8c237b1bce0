import { Global, Module } from '@nestjs/common';
import { AuditEventsController } from './audit-events.controller';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { AuditSealScheduler } from './audit-seal-scheduler';
import { AuditSealer } from './audit-sealer';
import { AuditVerifier } from './audit-verifier';
import { AuditService } from './audit.service';

@Global()
@Module({
  controllers: [AuditEventsController],
  providers: [
    AuditService,
    AuditSealer,
    AuditSealScheduler,
    AuditVerifier,
    AuditQueryService,
    AuditExportService,
  ],
  exports: [AuditService],
})
export class AuditModule {}

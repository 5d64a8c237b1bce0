import { Global, Module } from '@nestjs/common';
import { AuditSealScheduler } from './audit-seal-scheduler';
import { AuditSealer } from './audit-sealer';
import { AuditVerifier } from './audit-verifier';
import { AuditService } from './audit.service';

@Global()
@Module({
  providers: [AuditService, AuditSealer, AuditSealScheduler, AuditVerifier],
  exports: [AuditService],
})
export class AuditModule {}

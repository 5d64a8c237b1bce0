import { Global, Module } from '@nestjs/common';
import { AuditedClientRead } from './audited-client-read.service';
import { CaseAccessService } from './case-access.service';
import { ClientAccessService } from './client-access.service';

@Global()
@Module({
  providers: [ClientAccessService, CaseAccessService, AuditedClientRead],
  exports: [ClientAccessService, CaseAccessService, AuditedClientRead],
})
export class AccessModule {}

import { Global, Module } from '@nestjs/common';
import { AuditedClientRead } from './audited-client-read.service';
import { CaseAccessService } from './case-access.service';
import { ClientAccessService } from './client-access.service';
import { RecordHolderAccessService } from './record-holder-access.service';

@Global()
@Module({
  providers: [ClientAccessService, CaseAccessService, AuditedClientRead, RecordHolderAccessService],
  exports: [ClientAccessService, CaseAccessService, AuditedClientRead, RecordHolderAccessService],
})
export class AccessModule {}

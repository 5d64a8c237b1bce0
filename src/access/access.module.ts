import { Global, Module } from '@nestjs/common';
import { CaseAccessService } from './case-access.service';
import { ClientAccessService } from './client-access.service';
import { RecordHolderAccessService } from './record-holder-access.service';

@Global()
@Module({
  providers: [ClientAccessService, CaseAccessService, RecordHolderAccessService],
  exports: [ClientAccessService, CaseAccessService, RecordHolderAccessService],
})
export class AccessModule {}

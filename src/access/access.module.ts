import { Global, Module } from '@nestjs/common';
import { CaseAccessService } from './case-access.service';
import { ClientAccessService } from './client-access.service';

@Global()
@Module({
  providers: [ClientAccessService, CaseAccessService],
  exports: [ClientAccessService, CaseAccessService],
})
export class AccessModule {}

import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { CaseAttendanceService } from './case-attendance.service';
import { CaseMembersService } from './case-members.service';
import { CaseSummaryService } from './case-summary.service';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';

@Module({
  imports: [ClientsModule],
  controllers: [CasesController],
  providers: [CasesService, CaseMembersService, CaseAttendanceService, CaseSummaryService],
})
export class CasesModule {}

import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { CaseAttendanceService } from './case-attendance.service';
import { CaseCareTeamController } from './case-care-team.controller';
import { CaseCareTeamService } from './case-care-team.service';
import { CaseMembersService } from './case-members.service';
import { CaseSummaryService } from './case-summary.service';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';

@Module({
  imports: [ClientsModule],
  controllers: [CasesController, CaseCareTeamController],
  providers: [
    CasesService,
    CaseMembersService,
    CaseAttendanceService,
    CaseCareTeamService,
    CaseSummaryService,
  ],
})
export class CasesModule {}

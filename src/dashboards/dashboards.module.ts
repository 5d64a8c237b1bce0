import { Module } from '@nestjs/common';
import { ClientSummaryService } from './client-summary.service';
import { CounselorDashboardService } from './counselor-dashboard.service';
import { DashboardQueries } from './dashboard-queries';
import { DashboardsController } from './dashboards.controller';
import { TeamDashboardService } from './team-dashboard.service';

@Module({
  controllers: [DashboardsController],
  providers: [
    DashboardQueries,
    CounselorDashboardService,
    TeamDashboardService,
    ClientSummaryService,
  ],
})
export class DashboardsModule {}

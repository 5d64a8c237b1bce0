import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor, Roles } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { ClientSummaryService, ClientSummaryView } from './client-summary.service';
import { CounselorDashboardService } from './counselor-dashboard.service';
import { DashboardQueryDto, DashboardView } from './dashboard.dto';
import { TeamDashboardService, TeamDashboardView } from './team-dashboard.service';

@ApiTags('dashboards')
@ApiBearerAuth('bearer')
@Controller()
export class DashboardsController {
  constructor(
    private readonly counselor: CounselorDashboardService,
    private readonly team: TeamDashboardService,
    private readonly summaries: ClientSummaryService,
  ) {}

  @Get('dashboard')
  @ApiOperation({
    operationId: 'getCounselorDashboard',
    summary: 'Your morning dashboard (or, for supervisors and admins, a counselor’s you oversee)',
  })
  @ApiOkResponse({ type: DashboardView })
  dashboard(
    @CurrentActor() actor: StaffActor,
    @Query() query: DashboardQueryDto,
  ): Promise<DashboardView> {
    return this.counselor.dashboard(actor, query.counselorId);
  }

  @Get('dashboard/team')
  @Roles('supervisor', 'admin')
  @ApiOperation({
    operationId: 'getTeamDashboard',
    summary:
      'Per counselor: caseload, sessions this week, overdue notes, no-show rate, goals needing attention, open major violations',
  })
  @ApiOkResponse({ type: TeamDashboardView })
  teamDashboard(@CurrentActor() actor: StaffActor): Promise<TeamDashboardView> {
    return this.team.team(actor);
  }

  @Get('clients/:clientId/summary')
  @ApiOperation({
    operationId: 'getClientSummary',
    summary:
      "A client's summary in one call: team, next session, attendance, goals with sparklines, agreements, setbacks",
  })
  @ApiOkResponse({ type: ClientSummaryView })
  summary(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
  ): Promise<ClientSummaryView> {
    return this.summaries.summary(actor, clientId);
  }
}

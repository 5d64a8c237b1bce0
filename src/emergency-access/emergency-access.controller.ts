import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor, Roles } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import {
  EmergencyGrantPage,
  EmergencyGrantView,
  ListEmergencyGrantsQueryDto,
  RequestEmergencyAccessDto,
} from './emergency-access.dto';
import { EmergencyAccessService } from './emergency-access.service';

@ApiTags('emergency access')
@ApiBearerAuth('bearer')
@Controller()
export class EmergencyAccessController {
  constructor(private readonly emergency: EmergencyAccessService) {}

  @Post('clients/:clientId/emergency-access')
  @ApiOperation({
    operationId: 'grantEmergencyAccess',
    summary: 'Break the glass: time-limited access to a client outside your care team (audited)',
  })
  @ApiCreatedResponse({ type: EmergencyGrantView })
  grant(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() body: RequestEmergencyAccessDto,
  ): Promise<EmergencyGrantView> {
    return this.emergency.grant(actor, clientId, body);
  }

  @Post('cases/:caseId/emergency-access')
  @ApiOperation({
    operationId: 'grantCaseEmergencyAccess',
    summary:
      'Break the glass on a case: its shared sessions and notes, not its clients’ charts (audited)',
  })
  @ApiCreatedResponse({ type: EmergencyGrantView })
  grantForCase(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Body() body: RequestEmergencyAccessDto,
  ): Promise<EmergencyGrantView> {
    return this.emergency.grantForCase(actor, caseId, body);
  }

  @Get('emergency-access')
  @Roles('admin')
  @ApiOperation({
    operationId: 'listEmergencyAccessGrants',
    summary: 'Review emergency access grants (admin)',
  })
  @ApiOkResponse({ type: EmergencyGrantPage })
  list(
    @CurrentActor() actor: StaffActor,
    @Query() query: ListEmergencyGrantsQueryDto,
  ): Promise<EmergencyGrantPage> {
    return this.emergency.list(actor, query);
  }
}

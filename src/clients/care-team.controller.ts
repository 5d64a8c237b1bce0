import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { CareTeamService } from './care-team.service';
import { AddCareTeamMemberDto, CareTeamMemberView, CareTeamPage } from './dto/care-team.dto';

@ApiTags('care team')
@ApiBearerAuth('bearer')
@Controller('clients/:clientId/care-team')
export class CareTeamController {
  constructor(private readonly careTeam: CareTeamService) {}

  @Get()
  @ApiOperation({
    operationId: 'listCareTeamMembers',
    summary: "The client's care team (primary counselor first)",
  })
  @ApiOkResponse({ type: CareTeamPage })
  async list(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
  ): Promise<CareTeamPage> {
    return { data: await this.careTeam.list(actor, clientId), nextCursor: null };
  }

  @Post()
  @ApiOperation({
    operationId: 'addCareTeamMember',
    summary: 'Add a counselor or supervisor; a new primary counselor replaces the current one',
  })
  @ApiCreatedResponse({ type: CareTeamMemberView })
  add(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() body: AddCareTeamMemberDto,
  ): Promise<CareTeamMemberView> {
    return this.careTeam.add(actor, clientId, body);
  }

  @Delete(':memberId')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'removeCareTeamMember',
    summary: 'Remove a member (an active client keeps its primary counselor)',
  })
  @ApiNoContentResponse()
  remove(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('memberId', UuidParamPipe) memberId: string,
  ): Promise<void> {
    return this.careTeam.remove(actor, clientId, memberId);
  }
}

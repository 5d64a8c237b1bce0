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
import { CaseCareTeamService } from './case-care-team.service';
import {
  AddCaseCareTeamMemberDto,
  CaseCareTeamMemberView,
  CaseCareTeamPage,
} from './dto/case-care-team.dto';

@ApiTags('cases')
@ApiBearerAuth('bearer')
@Controller('cases/:id/care-team')
export class CaseCareTeamController {
  constructor(private readonly careTeam: CaseCareTeamService) {}

  @Get()
  @ApiOperation({
    operationId: 'listCaseCareTeamMembers',
    summary: "The case's care team (primary counselor first)",
  })
  @ApiOkResponse({ type: CaseCareTeamPage })
  async list(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<CaseCareTeamPage> {
    return { data: await this.careTeam.list(actor, id), nextCursor: null };
  }

  @Post()
  @ApiOperation({
    operationId: 'addCaseCareTeamMember',
    summary:
      'Add a clinician or change their role (admins, the primary counselor or supervisor of the case); a new primary counselor replaces the current one',
  })
  @ApiCreatedResponse({ type: CaseCareTeamMemberView })
  add(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: AddCaseCareTeamMemberDto,
  ): Promise<CaseCareTeamMemberView> {
    return this.careTeam.add(actor, id, body);
  }

  @Delete(':staffId')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'removeCaseCareTeamMember',
    summary:
      'Take a clinician off the case care team (a case not closed keeps its primary counselor)',
  })
  @ApiNoContentResponse()
  remove(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Param('staffId', UuidParamPipe) staffId: string,
  ): Promise<void> {
    return this.careTeam.remove(actor, id, staffId);
  }
}

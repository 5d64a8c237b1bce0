import { ApiEtagHeader, ApiLocationHeader } from '../common/http/response-headers.decorators';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor } from '../common/actor/decorators';
import { withEtag } from '../common/http/etag';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { ClientView } from '../clients/client.row';
import { EnteredInErrorDto } from '../clients/dto/client.dto';
import { CaseView } from './case.row';
import { CaseAttendanceService, CaseAttendanceView } from './case-attendance.service';
import { CaseMembersService } from './case-members.service';
import { CaseSummaryService } from './case-summary.service';
import { CaseSummaryView } from './dto/case-summary.dto';
import { CasesService } from './cases.service';
import {
  AddCaseMemberDto,
  CaseMemberList,
  CaseMemberView,
  PromoteMemberDto,
} from './dto/case-member.dto';
import {
  CasePage,
  ChangeCaseStatusDto,
  CreateCaseDto,
  ListCasesQueryDto,
  UpdateCaseDto,
} from './dto/case.dto';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'ETag from a previous read; 412 if the case changed',
};

@ApiTags('cases')
@ApiBearerAuth('bearer')
@Controller('cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly members: CaseMembersService,
    private readonly attendance: CaseAttendanceService,
    private readonly summaries: CaseSummaryService,
  ) {}

  @Get(':id/summary')
  @ApiOperation({
    operationId: 'getCaseSummary',
    summary:
      'A case at a glance: persons and roles, care team, next and last sessions, open goals (latest ratings) and agreements it holds',
  })
  @ApiOkResponse({ type: CaseSummaryView })
  getSummary(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<CaseSummaryView> {
    return this.summaries.summary(actor, id);
  }

  @Get(':id/attendance')
  @ApiOperation({
    operationId: 'getCaseAttendance',
    summary: 'Who came to which session of the case; attendance rate per member',
  })
  @ApiOkResponse({ type: CaseAttendanceView })
  getAttendance(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<CaseAttendanceView> {
    return this.attendance.get(actor, id);
  }

  @Post()
  @ApiLocationHeader()
  @ApiEtagHeader()
  @ApiOperation({
    operationId: 'createCase',
    summary: 'Open a case; a counselor opening it becomes its primary counselor',
  })
  @ApiCreatedResponse({ type: CaseView })
  async create(
    @CurrentActor() actor: StaffActor,
    @Body() body: CreateCaseDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseView> {
    const created = await this.cases.create(actor, body);
    response.setHeader('Location', `/api/v1/cases/${created.view.id}`);
    return withEtag(response, created);
  }

  @Get()
  @ApiOperation({
    operationId: 'listCases',
    summary: 'The cases the caller reaches, newest first',
  })
  @ApiOkResponse({ type: CasePage })
  list(@CurrentActor() actor: StaffActor, @Query() query: ListCasesQueryDto): Promise<CasePage> {
    return this.cases.list(actor, query);
  }

  @Get(':id')
  @ApiEtagHeader()
  @ApiOperation({
    operationId: 'getCase',
    summary: 'One case',
  })
  @ApiOkResponse({ type: CaseView })
  async get(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseView> {
    return withEtag(response, await this.cases.get(actor, id));
  }

  @Patch(':id')
  @ApiEtagHeader()
  @ApiOperation({
    operationId: 'updateCase',
    summary: 'Change a case’s type, label or presenting reason',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseView })
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateCaseDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseView> {
    return withEtag(response, await this.cases.update(actor, id, body, ifMatch));
  }

  @Post(':id/status')
  @HttpCode(200)
  @ApiEtagHeader()
  @ApiOperation({
    operationId: 'changeCaseStatus',
    summary: 'open ⇄ on_hold → closed (with reason and date); closed → open',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseView })
  async changeStatus(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: ChangeCaseStatusDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseView> {
    return withEtag(response, await this.cases.changeStatus(actor, id, body, ifMatch));
  }

  @Post(':id/entered-in-error')
  @HttpCode(200)
  @ApiEtagHeader()
  @ApiOperation({
    operationId: 'markCaseEnteredInError',
    summary: 'Mark a case entered in error: it leaves every list',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseView })
  async enteredInError(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: EnteredInErrorDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseView> {
    return withEtag(response, await this.cases.markEnteredInError(actor, id, body.reason, ifMatch));
  }

  @Get(':id/members')
  @ApiOperation({
    operationId: 'listCaseMembers',
    summary: 'The persons of a case, with their role and participation',
  })
  @ApiOkResponse({ type: CaseMemberList })
  async listMembers(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<CaseMemberList> {
    return { data: await this.members.list(actor, id) };
  }

  @Post(':id/members')
  @ApiOperation({
    operationId: 'addCaseMember',
    summary: 'Add an existing client, a family member, or a new person to a case',
  })
  @ApiCreatedResponse({ type: CaseMemberView })
  addMember(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: AddCaseMemberDto,
  ): Promise<CaseMemberView> {
    return this.members.add(actor, id, body);
  }

  @Post(':id/members/:personId/client')
  @ApiOperation({
    operationId: 'createClientFromCaseMember',
    summary:
      'Make a person of the case a client: their own chart, number and care team, same person id',
  })
  @ApiCreatedResponse({ type: ClientView })
  promote(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Param('personId', UuidParamPipe) personId: string,
    @Body() body: PromoteMemberDto,
  ): Promise<ClientView> {
    return this.members.promote(actor, id, personId, body);
  }
}

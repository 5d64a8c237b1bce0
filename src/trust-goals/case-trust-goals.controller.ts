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
  ApiConflictResponse,
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
import {
  ApiEtagHeader,
  ApiLocationHeader,
  ApiIfMatch,
} from '../common/http/response-headers.decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { IdempotencyInService } from '../common/idempotency/idempotency.decorators';
import { caseHolder } from '../parties/record-holder';
import { AddCheckInDto, CheckInView } from './dto/goal-records.dto';
import {
  ChangeGoalStatusDto,
  CreateTrustGoalDto,
  FiguresQueryDto,
  ListTrustGoalsQueryDto,
  TrustGoalPage,
  TrustGoalView,
  UpdateTrustGoalDto,
} from './dto/trust-goal.dto';
import { GoalProgressService } from './goal-progress.service';
import { TrustGoalsQueryService } from './trust-goals-query.service';
import { TrustGoalsService } from './trust-goals.service';

/**
 * Goals a family case holds: between any two persons of the case, reached by the case's care team
 * (the same services as a client's goals, with the case as holder).
 */
@ApiTags('trust goals')
@ApiBearerAuth('bearer')
@Controller('cases/:caseId/trust-goals')
export class CaseTrustGoalsController {
  constructor(
    private readonly goals: TrustGoalsService,
    private readonly reads: TrustGoalsQueryService,
    private readonly progress: GoalProgressService,
  ) {}

  @Post()
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'createCaseTrustGoal',
    summary: 'Set a trust-rebuilding goal between two persons of the case (proposed or active)',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: TrustGoalView })
  @ApiLocationHeader()
  @ApiEtagHeader()
  async create(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Body() body: CreateTrustGoalDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TrustGoalView> {
    const created = await this.goals.create(actor, caseHolder(caseId), body, key);
    response.setHeader('Location', `/api/v1/cases/${caseId}/trust-goals/${created.body.id}`);
    if (created.etag) response.setHeader('ETag', created.etag);
    if (created.replayed) response.setHeader('Idempotency-Replayed', 'true');
    return created.body;
  }

  @Get()
  @ApiOperation({
    operationId: 'listCaseTrustGoals',
    summary: 'The case’s goals with their derived figures (entered-in-error ones only on request)',
  })
  @ApiOkResponse({ type: TrustGoalPage })
  list(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Query() query: ListTrustGoalsQueryDto,
  ): Promise<TrustGoalPage> {
    return this.reads.list(actor, caseHolder(caseId), query);
  }

  @Get(':goalId')
  @ApiOperation({
    operationId: 'getCaseTrustGoal',
    summary: 'Read a case’s goal with its derived figures per person (with ETag)',
  })
  @ApiOkResponse({ type: TrustGoalView })
  @ApiEtagHeader()
  async get(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Query() figures: FiguresQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TrustGoalView> {
    return withEtag(response, await this.reads.get(actor, caseHolder(caseId), goalId, figures));
  }

  @Patch(':goalId')
  @ApiOperation({
    operationId: 'updateCaseTrustGoal',
    summary: 'Edit a case’s goal being planned or under way (the parties never change)',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: TrustGoalView })
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: UpdateTrustGoalDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TrustGoalView> {
    return withEtag(
      response,
      await this.goals.update(actor, caseHolder(caseId), goalId, body, ifMatch),
    );
  }

  @Post(':goalId/status')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'changeCaseTrustGoalStatus',
    summary: 'Change the lifecycle and/or achievement status of a case’s goal',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: TrustGoalView })
  @ApiConflictResponse({ description: 'A transition the rules do not allow' })
  async changeStatus(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: ChangeGoalStatusDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TrustGoalView> {
    return withEtag(
      response,
      await this.goals.changeStatus(actor, caseHolder(caseId), goalId, body, ifMatch),
    );
  }

  @Post(':goalId/check-ins')
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'recordCaseCheckIn',
    summary:
      'Record a check-in on a case’s goal: each person’s trust rating (0-10), commitments kept and missed, a note, a session of the case',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CheckInView })
  async addCheckIn(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: AddCheckInDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CheckInView> {
    const created = await this.progress.addCheckIn(actor, caseHolder(caseId), goalId, body, key);
    if (created.replayed) response.setHeader('Idempotency-Replayed', 'true');
    return created.body;
  }
}

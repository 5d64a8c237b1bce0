import { withEtag } from '../common/http/etag';
import {
  ApiEtagHeader,
  ApiLocationHeader,
  ApiIfMatch,
} from '../common/http/response-headers.decorators';
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
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { clientHolder } from '../parties/record-holder';
import { GoalTimelineView } from './dto/goal-timeline.dto';
import {
  ChangeGoalStatusDto,
  CreateTrustGoalDto,
  FiguresQueryDto,
  ListTrustGoalsQueryDto,
  TrustGoalPage,
  TrustGoalView,
  UpdateTrustGoalDto,
} from './dto/trust-goal.dto';
import { GoalTimelineService } from './goal-timeline.service';
import { TrustGoalsQueryService } from './trust-goals-query.service';
import { TrustGoalsService } from './trust-goals.service';
import { IdempotencyInService } from '../common/idempotency/idempotency.decorators';

@ApiTags('trust goals')
@ApiBearerAuth('bearer')
@Controller('clients/:clientId/trust-goals')
export class TrustGoalsController {
  constructor(
    private readonly goals: TrustGoalsService,
    private readonly reads: TrustGoalsQueryService,
    private readonly timelines: GoalTimelineService,
  ) {}

  @Post()
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'createTrustGoal',
    summary: 'Set a trust-rebuilding goal between two parties of the client (proposed or active)',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: TrustGoalView })
  @ApiLocationHeader()
  @ApiEtagHeader()
  async create(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() body: CreateTrustGoalDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TrustGoalView> {
    const created = await this.goals.create(actor, clientHolder(clientId), body, key);
    response.setHeader('Location', `/api/v1/clients/${clientId}/trust-goals/${created.body.id}`);
    if (created.etag) response.setHeader('ETag', created.etag);
    if (created.replayed) response.setHeader('Idempotency-Replayed', 'true');
    return created.body;
  }

  @Get()
  @ApiOperation({
    operationId: 'listTrustGoals',
    summary:
      'The client’s goals with their derived figures (entered-in-error ones only on request)',
  })
  @ApiOkResponse({ type: TrustGoalPage })
  list(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Query() query: ListTrustGoalsQueryDto,
  ): Promise<TrustGoalPage> {
    return this.reads.list(actor, clientHolder(clientId), query);
  }

  @Get(':goalId')
  @ApiOperation({
    operationId: 'getTrustGoal',
    summary:
      'Read a goal with commitments, milestones and derived figures: current rating per party, trend, reliability, days since the last check-in, suggested achievement status (with ETag)',
  })
  @ApiOkResponse({ type: TrustGoalView })
  @ApiEtagHeader()
  async get(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Query() figures: FiguresQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TrustGoalView> {
    return withEtag(response, await this.reads.get(actor, clientHolder(clientId), goalId, figures));
  }

  @Patch(':goalId')
  @ApiOperation({
    operationId: 'updateTrustGoal',
    summary: 'Edit a goal being planned or under way (the parties never change)',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: TrustGoalView })
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: UpdateTrustGoalDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TrustGoalView> {
    return withEtag(
      response,
      await this.goals.update(actor, clientHolder(clientId), goalId, body, ifMatch),
    );
  }

  @Post(':goalId/status')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'changeTrustGoalStatus',
    summary:
      'Change the lifecycle status and/or set the achievement status (409 names the current, requested and allowed statuses)',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: TrustGoalView })
  @ApiConflictResponse({ description: 'A transition the rules do not allow' })
  async changeStatus(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: ChangeGoalStatusDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TrustGoalView> {
    return withEtag(
      response,
      await this.goals.changeStatus(actor, clientHolder(clientId), goalId, body, ifMatch),
    );
  }

  @Get(':goalId/timeline')
  @ApiOperation({
    operationId: 'getTrustGoalTimeline',
    summary:
      'Check-ins, setbacks and reached milestones in time order, with each party’s rating series',
  })
  @ApiOkResponse({ type: GoalTimelineView })
  timeline(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
  ): Promise<GoalTimelineView> {
    return this.timelines.timeline(actor, clientHolder(clientId), goalId);
  }
}

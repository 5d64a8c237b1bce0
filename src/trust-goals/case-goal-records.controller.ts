import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
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
import type { CreatedResponse } from '../common/idempotency/idempotency.service';
import { IdempotencyInService } from '../common/idempotency/idempotency.decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { caseHolder } from '../parties/record-holder';
import {
  AddCommitmentDto,
  AddMilestoneDto,
  AddSetbackDto,
  CommitmentView,
  MilestoneView,
  ReachMilestoneDto,
  SetbackView,
} from './dto/goal-records.dto';
import { GoalTimelineView } from './dto/goal-timeline.dto';
import { GoalPlanService } from './goal-plan.service';
import { GoalProgressService } from './goal-progress.service';
import { GoalTimelineService } from './goal-timeline.service';

/**
 * Commitments, milestones, setbacks and the timeline of a goal a case holds: the same services as
 * a client's goal, with the case as holder (owners are persons of the case; its care team reaches it).
 */
@ApiTags('trust goals')
@ApiBearerAuth('bearer')
@Controller('cases/:caseId/trust-goals/:goalId')
export class CaseGoalRecordsController {
  constructor(
    private readonly plan: GoalPlanService,
    private readonly progress: GoalProgressService,
    private readonly timelines: GoalTimelineService,
  ) {}

  @Post('commitments')
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'addCaseGoalCommitment',
    summary: 'Add a commitment to a case’s goal, kept by one of its two persons',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CommitmentView })
  async addCommitment(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: AddCommitmentDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommitmentView> {
    return replayed(
      response,
      await this.plan.addCommitment(actor, caseHolder(caseId), goalId, body, key),
    );
  }

  @Post('commitments/:commitmentId/pause')
  @HttpCode(200)
  @ApiOperation({ operationId: 'pauseCaseGoalCommitment', summary: 'Pause an active commitment' })
  @ApiOkResponse({ type: CommitmentView })
  pause(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Param('commitmentId', UuidParamPipe) commitmentId: string,
  ): Promise<CommitmentView> {
    return this.plan.setCommitmentStatus(actor, caseHolder(caseId), goalId, commitmentId, 'paused');
  }

  @Post('commitments/:commitmentId/resume')
  @HttpCode(200)
  @ApiOperation({ operationId: 'resumeCaseGoalCommitment', summary: 'Resume a paused commitment' })
  @ApiOkResponse({ type: CommitmentView })
  resume(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Param('commitmentId', UuidParamPipe) commitmentId: string,
  ): Promise<CommitmentView> {
    return this.plan.setCommitmentStatus(actor, caseHolder(caseId), goalId, commitmentId, 'active');
  }

  @Post('commitments/:commitmentId/end')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'endCaseGoalCommitment',
    summary: 'End a commitment (it stays in the record)',
  })
  @ApiOkResponse({ type: CommitmentView })
  end(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Param('commitmentId', UuidParamPipe) commitmentId: string,
  ): Promise<CommitmentView> {
    return this.plan.setCommitmentStatus(actor, caseHolder(caseId), goalId, commitmentId, 'ended');
  }

  @Post('milestones')
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'addCaseGoalMilestone',
    summary: 'Add a milestone on the way to a case’s goal',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: MilestoneView })
  async addMilestone(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: AddMilestoneDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MilestoneView> {
    return replayed(
      response,
      await this.plan.addMilestone(actor, caseHolder(caseId), goalId, body, key),
    );
  }

  @Post('milestones/:milestoneId/reach')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'reachCaseGoalMilestone',
    summary: 'Mark a milestone of a case’s goal reached, with a celebration note (once, for good)',
  })
  @ApiOkResponse({ type: MilestoneView })
  reach(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Param('milestoneId', UuidParamPipe) milestoneId: string,
    @Body() body: ReachMilestoneDto,
  ): Promise<MilestoneView> {
    return this.plan.reachMilestone(actor, caseHolder(caseId), goalId, milestoneId, body);
  }

  @Post('setbacks')
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'recordCaseGoalSetback',
    summary: 'Record a setback on a case’s goal; it never resets progress',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: SetbackView })
  async addSetback(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: AddSetbackDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SetbackView> {
    return replayed(
      response,
      await this.progress.addSetback(actor, caseHolder(caseId), goalId, body, key),
    );
  }

  @Get('timeline')
  @ApiOperation({
    operationId: 'getCaseTrustGoalTimeline',
    summary:
      'Check-ins, setbacks and reached milestones of a case’s goal in time order, with each person’s rating series',
  })
  @ApiOkResponse({ type: GoalTimelineView })
  timeline(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
  ): Promise<GoalTimelineView> {
    return this.timelines.timeline(actor, caseHolder(caseId), goalId);
  }
}

function replayed<T>(response: Response, created: CreatedResponse<T> & { replayed: boolean }): T {
  if (created.replayed) response.setHeader('Idempotency-Replayed', 'true');
  return created.body;
}

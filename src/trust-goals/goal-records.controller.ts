import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
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
import { StaffAuthorOnly } from '../auth/staff-author-only.decorator';
import { CurrentActor } from '../common/actor/decorators';
import type { CreatedResponse } from '../common/idempotency/idempotency.service';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { clientHolder } from '../parties/record-holder';
import {
  AddCheckInDto,
  AddCommitmentDto,
  AddMilestoneDto,
  AddSetbackDto,
  CheckInView,
  CommitmentView,
  MilestoneView,
  ReachMilestoneDto,
  SetbackView,
} from './dto/goal-records.dto';
import { GoalPlanService } from './goal-plan.service';
import { GoalProgressService } from './goal-progress.service';
import { IdempotencyInService } from '../common/idempotency/idempotency.decorators';

/** Commitments, check-ins, milestones and setbacks of one goal. */
@ApiTags('trust goals')
@ApiBearerAuth('bearer')
@Controller('clients/:clientId/trust-goals/:goalId')
export class GoalRecordsController {
  constructor(
    private readonly plan: GoalPlanService,
    private readonly progress: GoalProgressService,
  ) {}

  @Post('commitments')
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'addGoalCommitment',
    summary: 'Add a commitment: a concrete behaviour, its cadence and which party keeps it',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CommitmentView })
  async addCommitment(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: AddCommitmentDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommitmentView> {
    return replayed(
      response,
      await this.plan.addCommitment(actor, clientHolder(clientId), goalId, body, key),
    );
  }

  @Post('commitments/:commitmentId/pause')
  @HttpCode(200)
  @ApiOperation({ operationId: 'pauseGoalCommitment', summary: 'Pause an active commitment' })
  @ApiOkResponse({ type: CommitmentView })
  pause(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Param('commitmentId', UuidParamPipe) commitmentId: string,
  ): Promise<CommitmentView> {
    return this.plan.setCommitmentStatus(
      actor,
      clientHolder(clientId),
      goalId,
      commitmentId,
      'paused',
    );
  }

  @Post('commitments/:commitmentId/resume')
  @HttpCode(200)
  @ApiOperation({ operationId: 'resumeGoalCommitment', summary: 'Resume a paused commitment' })
  @ApiOkResponse({ type: CommitmentView })
  resume(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Param('commitmentId', UuidParamPipe) commitmentId: string,
  ): Promise<CommitmentView> {
    return this.plan.setCommitmentStatus(
      actor,
      clientHolder(clientId),
      goalId,
      commitmentId,
      'active',
    );
  }

  @Post('commitments/:commitmentId/end')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'endGoalCommitment',
    summary: 'End a commitment (it stays in the record)',
  })
  @ApiOkResponse({ type: CommitmentView })
  end(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Param('commitmentId', UuidParamPipe) commitmentId: string,
  ): Promise<CommitmentView> {
    return this.plan.setCommitmentStatus(
      actor,
      clientHolder(clientId),
      goalId,
      commitmentId,
      'ended',
    );
  }

  @Post('check-ins')
  @IdempotencyInService()
  @StaffAuthorOnly()
  @ApiOperation({
    operationId: 'recordCheckIn',
    summary:
      'Record a check-in: each party’s trust rating (0-10), commitments kept and missed since the last one, a note, the session',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CheckInView })
  async addCheckIn(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: AddCheckInDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CheckInView> {
    return replayed(
      response,
      await this.progress.addCheckIn(actor, clientHolder(clientId), goalId, body, key),
    );
  }

  @Post('milestones')
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'addGoalMilestone',
    summary: 'Add a milestone on the way to the goal',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: MilestoneView })
  async addMilestone(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: AddMilestoneDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MilestoneView> {
    return replayed(
      response,
      await this.plan.addMilestone(actor, clientHolder(clientId), goalId, body, key),
    );
  }

  @Post('milestones/:milestoneId/reach')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'reachGoalMilestone',
    summary: 'Mark a milestone reached, with a celebration note (once, for good)',
  })
  @ApiOkResponse({ type: MilestoneView })
  reach(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Param('milestoneId', UuidParamPipe) milestoneId: string,
    @Body() body: ReachMilestoneDto,
  ): Promise<MilestoneView> {
    return this.plan.reachMilestone(actor, clientHolder(clientId), goalId, milestoneId, body);
  }

  @Post('setbacks')
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'recordGoalSetback',
    summary:
      'Record a setback (relapse, broken commitment, boundary violation, escalated conflict, discovered lie, other); it never resets progress',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: SetbackView })
  async addSetback(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('goalId', UuidParamPipe) goalId: string,
    @Body() body: AddSetbackDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SetbackView> {
    return replayed(
      response,
      await this.progress.addSetback(actor, clientHolder(clientId), goalId, body, key),
    );
  }
}

function replayed<T>(response: Response, created: CreatedResponse<T> & { replayed: boolean }): T {
  if (created.replayed) response.setHeader('Idempotency-Replayed', 'true');
  return created.body;
}

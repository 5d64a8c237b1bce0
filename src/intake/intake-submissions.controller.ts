import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiLocationHeader } from '../common/http/response-headers.decorators';
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
import { CurrentActor, Roles } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import {
  AcceptIntakeDto,
  IntakeSubmissionDetailView,
  IntakeSubmissionPage,
  IntakeSubmissionView,
  ListIntakeSubmissionsQueryDto,
  MergeIntakeDto,
  RejectIntakeDto,
} from './dto/intake-review.dto';
import { IntakeSubmissionDto } from './dto/intake-submission.dto';
import { IntakeReviewService } from './intake-review.service';
import { IntakeSubmissionsService } from './intake-submissions.service';
import { SentBody } from './sent-body.decorator';
import { IdempotencyInService } from '../common/idempotency/idempotency.decorators';

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Retry-safe creation: the same key replays the first answer',
};

@ApiTags('intake')
@ApiBearerAuth('bearer')
@Controller('intake-submissions')
export class IntakeSubmissionsController {
  constructor(
    private readonly submissions: IntakeSubmissionsService,
    private readonly review: IntakeReviewService,
  ) {}

  @Post()
  @IdempotencyInService()
  @Roles('intake_coordinator', 'counselor', 'supervisor', 'admin')
  @ApiOperation({
    operationId: 'createIntakeSubmission',
    summary: 'Enter an intake form on a prospective client’s behalf (staff, integrations)',
  })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ type: IntakeSubmissionDetailView })
  @ApiLocationHeader()
  async create(
    @CurrentActor() actor: StaffActor,
    @Body() body: IntakeSubmissionDto,
    @SentBody() sent: Record<string, unknown>,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IntakeSubmissionDetailView> {
    const created = await this.submissions.createByStaff(actor, body, sent, idempotencyKey);
    response.setHeader('Location', `/api/v1/intake-submissions/${created.body.id}`);
    if (created.replayed) response.setHeader('Idempotency-Replayed', 'true');
    return created.body;
  }

  @Get()
  @Roles('intake_coordinator', 'admin')
  @ApiOperation({
    operationId: 'listIntakeSubmissions',
    summary: 'The review queue: pending first, then newest, with likely duplicate clients',
  })
  @ApiOkResponse({ type: IntakeSubmissionPage })
  list(
    @CurrentActor() actor: StaffActor,
    @Query() query: ListIntakeSubmissionsQueryDto,
  ): Promise<IntakeSubmissionPage> {
    return this.submissions.list(actor, query);
  }

  @Get(':id')
  @Roles('intake_coordinator', 'admin')
  @ApiOperation({
    operationId: 'getIntakeSubmission',
    summary: 'One submission as it was sent, with the consent versions acknowledged',
  })
  @ApiOkResponse({ type: IntakeSubmissionDetailView })
  get(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<IntakeSubmissionDetailView> {
    return this.submissions.get(actor, id);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('intake_coordinator', 'admin')
  @ApiOperation({
    operationId: 'acceptIntakeSubmission',
    summary:
      'Accept: create the active client, family members and primary counselor in one transaction',
  })
  @ApiOkResponse({ type: IntakeSubmissionView })
  accept(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: AcceptIntakeDto,
  ): Promise<IntakeSubmissionView> {
    return this.review.accept(actor, id, body);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('intake_coordinator', 'admin')
  @ApiOperation({
    operationId: 'rejectIntakeSubmission',
    summary: 'Reject a pending submission, with a reason',
  })
  @ApiOkResponse({ type: IntakeSubmissionView })
  reject(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: RejectIntakeDto,
  ): Promise<IntakeSubmissionView> {
    return this.review.reject(actor, id, body);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Roles('intake_coordinator', 'admin')
  @ApiOperation({
    operationId: 'mergeIntakeSubmission',
    summary: 'Mark a pending submission as a duplicate of an existing client (write access needed)',
  })
  @ApiOkResponse({ type: IntakeSubmissionView })
  merge(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: MergeIntakeDto,
  ): Promise<IntakeSubmissionView> {
    return this.review.merge(actor, id, body);
  }
}

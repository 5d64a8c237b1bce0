import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Public } from '../common/actor/decorators';
import { IntakeFormView, IntakeReceiptView } from './dto/intake-invitation.dto';
import { IntakeSubmissionDto } from './dto/intake-submission.dto';
import { IdempotencyScopedBy } from '../common/idempotency/idempotency.decorators';
import { IntakeLinkIdempotencyScope } from './intake-link-idempotency.scope';
import { IntakeRateLimitGuard } from './intake-rate-limit.guard';
import { PublicIntakeService } from './public-intake.service';
import { SentBody } from './sent-body.decorator';

const LINK_REFUSED =
  'Unknown, expired, used or revoked link: all answer the same (urn:family-therapy:problem:intake-link-not-found)';

// A prospective client has no account: the secret in the address is the credential, and the
// routes are rate-limited per link and per IP address before anything else runs.
@ApiTags('intake (public)')
@Public()
@UseGuards(IntakeRateLimitGuard)
@Controller('intake')
export class PublicIntakeController {
  constructor(private readonly intake: PublicIntakeService) {}

  @Get(':token')
  @ApiOperation({
    operationId: 'getIntakeForm',
    summary:
      'The intake form behind a one-time link: sections, fields and consent texts (no login)',
  })
  @ApiOkResponse({ type: IntakeFormView })
  @ApiNotFoundResponse({ description: LINK_REFUSED })
  @ApiTooManyRequestsResponse({
    description: 'Too many requests for this link or from this address',
  })
  form(@Param('token') token: string): Promise<IntakeFormView> {
    return this.intake.form(token);
  }

  @Post(':token')
  @IdempotencyScopedBy(IntakeLinkIdempotencyScope)
  @ApiOperation({
    operationId: 'submitIntakeForm',
    summary: 'Submit the intake form through a one-time link (no login); the link is spent',
    description:
      'Validated strictly: 400 lists every field at fault, 422 names missing or outdated consents. Nothing is stored unless everything passes.',
  })
  @ApiCreatedResponse({ type: IntakeReceiptView })
  @ApiNotFoundResponse({ description: LINK_REFUSED })
  @ApiTooManyRequestsResponse({
    description: 'Too many requests for this link or from this address',
  })
  submit(
    @Param('token') token: string,
    @Body() body: IntakeSubmissionDto,
    @SentBody() sent: Record<string, unknown>,
  ): Promise<IntakeReceiptView> {
    return this.intake.submit(token, body, sent);
  }
}

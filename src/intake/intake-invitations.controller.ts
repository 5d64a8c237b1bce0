import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
  CreatedIntakeInvitationView,
  CreateIntakeInvitationDto,
  IntakeInvitationPage,
  IntakeInvitationView,
  ListIntakeInvitationsQueryDto,
} from './dto/intake-invitation.dto';
import { IntakeInvitationsService } from './intake-invitations.service';
import { NoIdempotencyKey } from '../common/idempotency/idempotency.decorators';

@ApiTags('intake')
@ApiBearerAuth('bearer')
@Roles('intake_coordinator', 'counselor', 'supervisor', 'admin')
@Controller('intake-invitations')
export class IntakeInvitationsController {
  constructor(private readonly invitations: IntakeInvitationsService) {}

  @Post()
  @ApiOperation({
    operationId: 'createIntakeInvitation',
    summary: 'Create a one-time intake link (default 14 days); its token is shown once',
  })
  @NoIdempotencyKey('replaying the answer would mean storing the secret link')
  @ApiCreatedResponse({ type: CreatedIntakeInvitationView })
  create(
    @CurrentActor() actor: StaffActor,
    @Body() body: CreateIntakeInvitationDto,
  ): Promise<CreatedIntakeInvitationView> {
    return this.invitations.create(actor, body);
  }

  @Get()
  @ApiOperation({
    operationId: 'listIntakeInvitations',
    summary: 'Intake links (a counselor: the ones they sent; others: the practice’s), no tokens',
  })
  @ApiOkResponse({ type: IntakeInvitationPage })
  list(
    @CurrentActor() actor: StaffActor,
    @Query() query: ListIntakeInvitationsQueryDto,
  ): Promise<IntakeInvitationPage> {
    return this.invitations.list(actor, query);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'revokeIntakeInvitation',
    summary: 'Revoke an unused intake link: it answers 404 from now on',
  })
  @ApiOkResponse({ type: IntakeInvitationView })
  revoke(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<IntakeInvitationView> {
    return this.invitations.revoke(actor, id);
  }
}

import { withEtag } from '../common/http/etag';
import { ApiEtagHeader, ApiIfMatch } from '../common/http/response-headers.decorators';
import { Body, Controller, Get, Headers, Param, Patch, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Caller, StaffActor } from '../common/actor/actor';
import { CurrentActor, CurrentCaller, Scope } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import {
  CreateFamilyMemberDto,
  FamilyMemberPage,
  FamilyMemberView,
  UpdateFamilyMemberDto,
} from './family-member.dto';
import { FamilyMembersService } from './family-members.service';
import { IdempotencyInService } from '../common/idempotency/idempotency.decorators';

@ApiTags('family members')
@ApiBearerAuth('bearer')
@Controller('clients/:clientId/family-members')
export class FamilyMembersController {
  constructor(private readonly members: FamilyMembersService) {}

  @Post()
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'addFamilyMember',
    summary: "Add a family member (a party of the client's agreements and goals)",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: FamilyMemberView })
  @ApiEtagHeader()
  async add(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() body: CreateFamilyMemberDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FamilyMemberView> {
    const created = await this.members.add(actor, clientId, body, key);
    if (created.etag) response.setHeader('ETag', created.etag);
    if (created.replayed) response.setHeader('Idempotency-Replayed', 'true');
    return created.body;
  }

  @Get()
  @Scope('clients:read')
  @ApiOperation({ operationId: 'listFamilyMembers', summary: "The client's family members" })
  @ApiOkResponse({ type: FamilyMemberPage })
  async list(
    @CurrentCaller() actor: Caller,
    @Param('clientId', UuidParamPipe) clientId: string,
  ): Promise<FamilyMemberPage> {
    return { data: await this.members.list(actor, clientId), nextCursor: null };
  }

  @Get(':memberId')
  @Scope('clients:read')
  @ApiOperation({ operationId: 'getFamilyMember', summary: 'Read a family member (with ETag)' })
  @ApiOkResponse({ type: FamilyMemberView })
  @ApiEtagHeader()
  async get(
    @CurrentCaller() actor: Caller,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('memberId', UuidParamPipe) memberId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FamilyMemberView> {
    return withEtag(response, await this.members.get(actor, clientId, memberId));
  }

  @Patch(':memberId')
  @ApiOperation({
    operationId: 'updateFamilyMember',
    summary: 'Update: participation, consent, emergency contact, deceased, no contact…',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: FamilyMemberView })
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('memberId', UuidParamPipe) memberId: string,
    @Body() body: UpdateFamilyMemberDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FamilyMemberView> {
    return withEtag(response, await this.members.update(actor, clientId, memberId, body, ifMatch));
  }
}

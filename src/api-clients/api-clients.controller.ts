import { NoIdempotencyKey } from '../common/idempotency/idempotency.decorators';
import {
  Body,
  Controller,
  Headers,
  Res,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor, Roles } from '../common/actor/decorators';
import type { Response } from 'express';
import { withEtag } from '../common/http/etag';
import { ApiEtagHeader, ApiIfMatch } from '../common/http/response-headers.decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { PageQueryDto, type Page } from '../common/pagination/cursor';
import {
  ApiClientPageDto,
  ApiClientViewDto,
  CreateApiClientDto,
  CreatedApiClientDto,
  CreatedApiKeyDto,
  UpdateApiClientDto,
} from './api-client.dto';
import type { ApiClientView } from './api-client.row';
import { ApiClientsService } from './api-clients.service';

@ApiTags('api clients')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('api-clients')
export class ApiClientsController {
  constructor(private readonly apiClients: ApiClientsService) {}

  @Post()
  @ApiOperation({
    operationId: 'createApiClient',
    summary: 'Register practice software and get its first key (admins)',
    description:
      'Needs `name` and `scopes`; the owner is the caller and the caseload the whole practice unless given. The answer holds the key once, in `key`: only its hash is kept.',
  })
  @NoIdempotencyKey('replaying the answer would mean storing the API key')
  @ApiCreatedResponse({ type: CreatedApiClientDto })
  create(
    @CurrentActor() actor: StaffActor,
    @Body() body: CreateApiClientDto,
  ): Promise<ApiClientView & { key: string }> {
    return this.apiClients.create(actor, body);
  }

  @Get()
  @ApiOperation({
    operationId: 'listApiClients',
    summary: 'The practice’s API clients, revoked ones included',
  })
  @ApiOkResponse({ type: ApiClientPageDto })
  list(
    @CurrentActor() actor: StaffActor,
    @Query() query: PageQueryDto,
  ): Promise<Page<ApiClientView>> {
    return this.apiClients.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getApiClient',
    summary: 'One API client with its keys (never the keys themselves)',
  })
  @ApiOkResponse({ type: ApiClientViewDto })
  @ApiEtagHeader()
  async get(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ApiClientView> {
    return withEtag(response, await this.apiClients.get(actor, id));
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateApiClient',
    summary: 'Change the name, owner, scopes, caseload or IP allow-list',
    description:
      'Takes effect on the keys’ next request. `null` caseload or allow-list lifts the restriction.',
  })
  @ApiOkResponse({ type: ApiClientViewDto })
  @ApiIfMatch()
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateApiClientDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ApiClientView> {
    return withEtag(response, await this.apiClients.update(actor, id, body, ifMatch));
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'revokeApiClient',
    summary: 'Revoke the API client and all its keys: refused from their next request on',
  })
  @ApiOkResponse({ type: ApiClientViewDto })
  revoke(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<ApiClientView> {
    return this.apiClients.revoke(actor, id);
  }

  @Post(':id/keys')
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'A second key, for rotation (at most two active)',
    description: 'Shown once in `key`. Move the integration to it, then revoke the old key.',
  })
  @NoIdempotencyKey('replaying the answer would mean storing the API key')
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  createKey(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<{ id: string; key: string }> {
    return this.apiClients.createKey(actor, id);
  }

  @Post(':id/keys/:keyId/revoke')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke one key: refused from its next request on',
  })
  @ApiOkResponse({ type: ApiClientViewDto })
  revokeKey(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Param('keyId', UuidParamPipe) keyId: string,
  ): Promise<ApiClientView> {
    return this.apiClients.revokeKey(actor, id, keyId);
  }
}

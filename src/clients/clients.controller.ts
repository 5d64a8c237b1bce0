import { withEtag } from '../common/http/etag';
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
import type { Caller, StaffActor } from '../common/actor/actor';
import { CurrentActor, CurrentCaller, Scope } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { PageQueryDto } from '../common/pagination/cursor';
import { ClientAccessLogService } from './client-access-log.service';
import { CLIENT_ERRORS } from './client-errors';
import { ClientView } from './client.row';
import { ClientCreationService } from './client-creation.service';
import { ClientsQueryService } from './clients-query.service';
import { ClientsService } from './clients.service';
import { AccessLogPage } from './dto/access-log.dto';
import {
  ChangeClientStatusDto,
  ClientPage,
  CreateClientDto,
  CreatedClientView,
  EnteredInErrorDto,
  ListClientsQueryDto,
  UpdateClientDto,
} from './dto/client.dto';
import { IdempotencyInService } from '../common/idempotency/idempotency.decorators';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'ETag from a previous read; 412 if the record changed',
};
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Retry-safe creation: the same key replays the first answer',
};

@ApiTags('clients')
@ApiBearerAuth('bearer')
@Controller('clients')
export class ClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly creation: ClientCreationService,
    private readonly query: ClientsQueryService,
    private readonly accessLog: ClientAccessLogService,
  ) {}

  @Post()
  @Scope('clients:write')
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'createClient',
    summary:
      'Open a client record (status intake), with its family members if listed (all or nothing); a counselor creating it becomes its primary counselor',
    description:
      'An API key with `clients:write` opens clients too; one restricted to a caseload names a `primaryCounselorId` of that caseload (422 `' +
      CLIENT_ERRORS.primaryOutsideCaseload.code +
      '`). The record stores the API client’s owner as its author; the audit events name the API client.',
  })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ type: CreatedClientView })
  @ApiLocationHeader()
  @ApiEtagHeader()
  async create(
    @CurrentCaller() actor: Caller,
    @Body() body: CreateClientDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedClientView> {
    const created = await this.creation.create(actor, body, idempotencyKey);
    if (created.etag) response.setHeader('ETag', created.etag);
    response.setHeader('Location', `/api/v1/clients/${created.body.id}`);
    if (created.replayed) response.setHeader('Idempotency-Replayed', 'true');
    return created.body;
  }

  @Get()
  @Scope('clients:read')
  @ApiOperation({
    operationId: 'listClients',
    summary:
      'Clients you may reach: filters, name search (prefix, any name, accents ignored), sort',
  })
  @ApiOkResponse({ type: ClientPage })
  list(@CurrentCaller() actor: Caller, @Query() query: ListClientsQueryDto): Promise<ClientPage> {
    return this.query.list(actor, query);
  }

  @Get(':clientId')
  @Scope('clients:read')
  @ApiOperation({ operationId: 'getClient', summary: 'Read a client record (with ETag)' })
  @ApiOkResponse({ type: ClientView })
  @ApiEtagHeader()
  async get(
    @CurrentCaller() actor: Caller,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClientView> {
    return withEtag(response, await this.clients.get(actor, clientId));
  }

  @Patch(':clientId')
  @Scope('clients:write')
  @ApiOperation({
    operationId: 'updateClient',
    summary: 'Update demographics and assessment fields',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ClientView })
  @ApiEtagHeader()
  async update(
    @CurrentCaller() actor: Caller,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() body: UpdateClientDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClientView> {
    return withEtag(response, await this.clients.update(actor, clientId, body, ifMatch));
  }

  @Post(':clientId/status')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'changeClientStatus',
    summary: 'Change status: intake → active ⇄ on_hold → discharged (reason and date), re-open',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ClientView })
  @ApiEtagHeader()
  async changeStatus(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() body: ChangeClientStatusDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClientView> {
    return withEtag(response, await this.clients.changeStatus(actor, clientId, body, ifMatch));
  }

  @Post(':clientId/entered-in-error')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'markClientEnteredInError',
    summary: 'Mark a record created by mistake: it leaves all lists, stays in the audit trail',
  })
  @ApiOkResponse({ type: ClientView })
  @ApiEtagHeader()
  async enteredInError(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() body: EnteredInErrorDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClientView> {
    return withEtag(response, await this.clients.markEnteredInError(actor, clientId, body));
  }

  @Get(':clientId/access-log')
  @ApiOperation({
    operationId: 'listClientAccessLog',
    summary: "Who read or changed this client's record, when and how",
  })
  @ApiOkResponse({ type: AccessLogPage })
  accessLogOf(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Query() query: PageQueryDto,
  ): Promise<AccessLogPage> {
    return this.accessLog.list(actor, clientId, query);
  }
}

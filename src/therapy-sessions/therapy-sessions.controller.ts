import { withEtag } from '../common/http/etag';
import {
  ApiEtagHeader,
  ApiLocationHeader,
  ApiIfMatch,
} from '../common/http/response-headers.decorators';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Caller, StaffActor } from '../common/actor/actor';
import { StaffAuthorOnly } from '../auth/staff-author-only.decorator';
import { CurrentActor, CurrentCaller, Scope } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import {
  CancelSessionDto,
  CompleteSessionDto,
  ListSessionsQueryDto,
  RescheduleSessionDto,
  ScheduleSeriesDto,
  ScheduleSessionDto,
  SeriesView,
  SessionPage,
} from './dto/therapy-session.dto';
import { SESSION_ERRORS } from './session-errors';
import { SessionSeriesService } from './session-series.service';
import { TherapySessionView } from './therapy-session.row';
import { TherapySessionsQueryService } from './therapy-sessions-query.service';
import { TherapySessionsService } from './therapy-sessions.service';

@ApiTags('therapy sessions')
@ApiBearerAuth('bearer')
@Controller('therapy-sessions')
export class TherapySessionsController {
  constructor(
    private readonly sessions: TherapySessionsService,
    private readonly series: SessionSeriesService,
    private readonly query: TherapySessionsQueryService,
  ) {}

  @Post()
  @Scope('sessions:write')
  @ApiOperation({
    operationId: 'createTherapySession',
    summary: 'Schedule a session (409 names the session in the way when someone is double-booked)',
    description:
      'An API key with `sessions:write` books too: it names `counselorId` (one of its caseload’s counselors when it has a caseload) for a client of its caseload, and no `caseId` (422 `' +
      SESSION_ERRORS.caseSessionStaffOnly.code +
      '`). The session stores the API client’s owner as its author; the audit event names the API client.',
  })
  @ApiCreatedResponse({ type: TherapySessionView })
  @ApiConflictResponse({
    description: 'Double-booking: `conflictingSessionId` names the session in the way',
  })
  @ApiLocationHeader()
  @ApiEtagHeader()
  async schedule(
    @CurrentCaller() actor: Caller,
    @Body() body: ScheduleSessionDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TherapySessionView> {
    const created = await this.sessions.schedule(actor, body);
    response.setHeader('Location', `/api/v1/therapy-sessions/${created.view.id}`);
    return withEtag(response, created);
  }

  @Post('series')
  @ApiOperation({
    operationId: 'createTherapySessionSeries',
    summary: 'Schedule a weekly or fortnightly series; conflicts are reported per occurrence',
  })
  @ApiCreatedResponse({ type: SeriesView })
  scheduleSeries(
    @CurrentActor() actor: StaffActor,
    @Body() body: ScheduleSeriesDto,
  ): Promise<SeriesView> {
    return this.series.schedule(actor, body);
  }

  @Get()
  @Scope('sessions:read')
  @ApiOperation({
    operationId: 'listTherapySessions',
    summary:
      'Calendar: sessions you may see, by start time; filter by counselor, client, status, time range',
  })
  @ApiOkResponse({ type: SessionPage })
  list(@CurrentCaller() actor: Caller, @Query() query: ListSessionsQueryDto): Promise<SessionPage> {
    return this.query.list(actor, query);
  }

  @Get(':sessionId')
  @Scope('sessions:read')
  @ApiOperation({ operationId: 'getTherapySession', summary: 'Read a session (with ETag)' })
  @ApiOkResponse({ type: TherapySessionView })
  @ApiEtagHeader()
  async get(
    @CurrentCaller() actor: Caller,
    @Param('sessionId', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TherapySessionView> {
    return withEtag(response, await this.sessions.get(actor, id));
  }

  @Post(':sessionId/reschedule')
  @Scope('sessions:write')
  @HttpCode(200)
  @ApiOperation({ operationId: 'rescheduleTherapySession', summary: 'Move a scheduled session' })
  @ApiIfMatch()
  @ApiOkResponse({ type: TherapySessionView })
  async reschedule(
    @CurrentCaller() actor: Caller,
    @Param('sessionId', UuidParamPipe) id: string,
    @Body() body: RescheduleSessionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TherapySessionView> {
    return withEtag(response, await this.sessions.reschedule(actor, id, body, ifMatch));
  }

  @Post(':sessionId/cancel')
  @Scope('sessions:write')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelTherapySession',
    summary: "Cancel with a reason (a late cancel inside the practice's cancellation window)",
    description:
      'An API key with `sessions:write` cancels sessions of its caseload’s clients; the session stores the API client’s owner as who cancelled it, and the audit event names the API client.',
  })
  @ApiOkResponse({ type: TherapySessionView })
  @ApiEtagHeader()
  async cancel(
    @CurrentCaller() actor: Caller,
    @Param('sessionId', UuidParamPipe) id: string,
    @Body() body: CancelSessionDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TherapySessionView> {
    return withEtag(response, await this.sessions.cancel(actor, id, body.reason));
  }

  @Post(':sessionId/no-show')
  @HttpCode(200)
  @StaffAuthorOnly()
  @ApiOperation({
    operationId: 'markTherapySessionNoShow',
    summary: 'Mark a started session as a no-show',
  })
  @ApiOkResponse({ type: TherapySessionView })
  @ApiEtagHeader()
  async noShow(
    @CurrentActor() actor: StaffActor,
    @Param('sessionId', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TherapySessionView> {
    return withEtag(response, await this.sessions.markNoShow(actor, id));
  }

  @Post(':sessionId/complete')
  @HttpCode(200)
  @StaffAuthorOnly()
  @ApiOperation({
    operationId: 'completeTherapySession',
    summary: 'Complete with attendees: the client and/or family members of that client',
  })
  @ApiOkResponse({ type: TherapySessionView })
  @ApiEtagHeader()
  async complete(
    @CurrentActor() actor: StaffActor,
    @Param('sessionId', UuidParamPipe) id: string,
    @Body() body: CompleteSessionDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TherapySessionView> {
    return withEtag(response, await this.sessions.complete(actor, id, body));
  }
}

import { withEtag } from '../common/http/etag';
import { ApiEtagHeader, ApiLocationHeader } from '../common/http/response-headers.decorators';
import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
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
import { CurrentActor, HiddenFromApiClients } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { PageQueryDto } from '../common/pagination/cursor';
import {
  CreatePsychotherapyNoteDto,
  PsychotherapyNotePage,
  PsychotherapyNoteView,
  UpdatePsychotherapyNoteDto,
} from './psychotherapy-note.dto';
import { PsychotherapyNotesService } from './psychotherapy-notes.service';
import { IdempotencyInService } from '../common/idempotency/idempotency.decorators';

const AUTHOR_ONLY =
  'Psychotherapy (process) notes are readable and writable by their author only — not by supervisors or admins — and are excluded from every export. Anyone else gets 404, and the attempt is audited.';

@ApiTags('psychotherapy notes')
@ApiBearerAuth('bearer')
// Never reachable by practice software, whatever its scopes: an API client gets 404.
@HiddenFromApiClients()
@Controller()
export class PsychotherapyNotesController {
  constructor(private readonly notes: PsychotherapyNotesService) {}

  @Post('clients/:clientId/psychotherapy-notes')
  @IdempotencyInService()
  @ApiOperation({
    operationId: 'createPsychotherapyNote',
    summary: 'Write a psychotherapy (process) note about a client, optionally for one session',
    description: AUTHOR_ONLY,
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retry-safe creation: the same key answers with the note it created',
  })
  @ApiCreatedResponse({ type: PsychotherapyNoteView })
  @ApiLocationHeader()
  @ApiEtagHeader()
  async create(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() body: CreatePsychotherapyNoteDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PsychotherapyNoteView> {
    const created = await this.notes.create(actor, clientId, body, key);
    response.setHeader('ETag', created.etag);
    response.setHeader('Location', `/api/v1/psychotherapy-notes/${created.view.id}`);
    if (created.replayed) response.setHeader('Idempotency-Replayed', 'true');
    return created.view;
  }

  @Get('clients/:clientId/psychotherapy-notes')
  @ApiOperation({
    operationId: 'listPsychotherapyNotes',
    summary: 'Your own psychotherapy notes about a client, newest first',
    description: AUTHOR_ONLY,
  })
  @ApiOkResponse({ type: PsychotherapyNotePage })
  list(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Query() query: PageQueryDto,
  ): Promise<PsychotherapyNotePage> {
    return this.notes.list(actor, clientId, query);
  }

  @Get('psychotherapy-notes/:id')
  @ApiOperation({
    operationId: 'getPsychotherapyNote',
    summary: 'Read one of your psychotherapy notes (with ETag)',
    description: AUTHOR_ONLY,
  })
  @ApiOkResponse({ type: PsychotherapyNoteView })
  @ApiEtagHeader()
  async get(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PsychotherapyNoteView> {
    return withEtag(response, await this.notes.get(actor, id));
  }

  @Patch('psychotherapy-notes/:id')
  @ApiOperation({
    operationId: 'updatePsychotherapyNote',
    summary: 'Edit one of your psychotherapy notes',
    description: AUTHOR_ONLY,
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'ETag from a previous read; 412 if the note changed',
  })
  @ApiOkResponse({ type: PsychotherapyNoteView })
  @ApiEtagHeader()
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdatePsychotherapyNoteDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PsychotherapyNoteView> {
    return withEtag(response, await this.notes.update(actor, id, body, ifMatch));
  }
}

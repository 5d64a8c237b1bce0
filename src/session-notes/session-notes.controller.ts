import { withEtag } from '../common/http/etag';
import { ApiEtagHeader, ApiIfMatch } from '../common/http/response-headers.decorators';
import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
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
import { NoteSigningService } from './note-signing.service';
import {
  AddendumDto,
  CreateSessionNoteDto,
  ReturnNoteDto,
  SessionNoteView,
  UpdateSessionNoteDto,
} from './session-note.dto';
import { SessionNotesService } from './session-notes.service';

@ApiTags('session notes')
@ApiBearerAuth('bearer')
@Controller('therapy-sessions/:sessionId/note')
export class SessionNotesController {
  constructor(
    private readonly notes: SessionNotesService,
    private readonly signing: NoteSigningService,
  ) {}

  @Post()
  @StaffAuthorOnly()
  @ApiOperation({
    operationId: 'createSessionNote',
    summary: 'Start the note of a completed session (SOAP, DAP, BIRP or free)',
  })
  @ApiCreatedResponse({ type: SessionNoteView })
  @ApiEtagHeader()
  async create(
    @CurrentActor() actor: StaffActor,
    @Param('sessionId', UuidParamPipe) sessionId: string,
    @Body() body: CreateSessionNoteDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionNoteView> {
    return withEtag(response, await this.notes.create(actor, sessionId, body));
  }

  @Get()
  @Scope('notes:read')
  @ApiOperation({ operationId: 'getSessionNote', summary: 'Read the note with its addenda' })
  @ApiOkResponse({ type: SessionNoteView })
  @ApiEtagHeader()
  async get(
    @CurrentCaller() actor: Caller,
    @Param('sessionId', UuidParamPipe) sessionId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionNoteView> {
    return withEtag(response, await this.notes.get(actor, sessionId));
  }

  @Patch()
  @StaffAuthorOnly()
  @ApiOperation({
    operationId: 'updateSessionNote',
    summary: 'Save the draft (author only, until signed)',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: SessionNoteView })
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('sessionId', UuidParamPipe) sessionId: string,
    @Body() body: UpdateSessionNoteDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionNoteView> {
    return withEtag(response, await this.notes.update(actor, sessionId, body, ifMatch));
  }

  @Post('sign')
  @HttpCode(200)
  @StaffAuthorOnly()
  @ApiOperation({
    operationId: 'signSessionNote',
    summary: 'Sign and lock the note (a trainee’s note then awaits co-signature)',
  })
  @ApiOkResponse({ type: SessionNoteView })
  @ApiEtagHeader()
  async sign(
    @CurrentActor() actor: StaffActor,
    @Param('sessionId', UuidParamPipe) sessionId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionNoteView> {
    return withEtag(response, await this.signing.sign(actor, sessionId));
  }

  @Post('cosign')
  @HttpCode(200)
  @StaffAuthorOnly()
  @ApiOperation({ operationId: 'cosignSessionNote', summary: 'Co-sign a supervisee’s note' })
  @ApiOkResponse({ type: SessionNoteView })
  @ApiEtagHeader()
  async cosign(
    @CurrentActor() actor: StaffActor,
    @Param('sessionId', UuidParamPipe) sessionId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionNoteView> {
    return withEtag(response, await this.signing.cosign(actor, sessionId));
  }

  @Post('return')
  @HttpCode(200)
  @StaffAuthorOnly()
  @ApiOperation({
    operationId: 'returnSessionNoteToAuthor',
    summary: 'Return a supervisee’s note to its author with a comment',
  })
  @ApiOkResponse({ type: SessionNoteView })
  @ApiEtagHeader()
  async returnToAuthor(
    @CurrentActor() actor: StaffActor,
    @Param('sessionId', UuidParamPipe) sessionId: string,
    @Body() body: ReturnNoteDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionNoteView> {
    return withEtag(response, await this.signing.returnToAuthor(actor, sessionId, body.comment));
  }

  @Post('addenda')
  @StaffAuthorOnly()
  @ApiOperation({
    operationId: 'addSessionNoteAddendum',
    summary: 'Append a dated, signed addendum to a signed note',
  })
  @ApiCreatedResponse({ type: SessionNoteView })
  @ApiEtagHeader()
  async addendum(
    @CurrentActor() actor: StaffActor,
    @Param('sessionId', UuidParamPipe) sessionId: string,
    @Body() body: AddendumDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionNoteView> {
    return withEtag(response, await this.signing.addAddendum(actor, sessionId, body.text));
  }
}

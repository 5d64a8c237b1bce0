import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { ClientNotesQueryService } from './client-notes-query.service';
import { ClientNoteList } from './session-note.dto';

@ApiTags('session notes')
@ApiBearerAuth('bearer')
@Controller('clients/:clientId/session-notes')
export class ClientSessionNotesController {
  constructor(private readonly notes: ClientNotesQueryService) {}

  @Get()
  @ApiOperation({
    operationId: 'listClientSessionNotes',
    summary:
      'The notes of a client’s chart: their own sessions’, and those of the joint sessions they came to',
  })
  @ApiOkResponse({ type: ClientNoteList })
  async list(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
  ): Promise<ClientNoteList> {
    return { data: await this.notes.list(actor, clientId) };
  }
}

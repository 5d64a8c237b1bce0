import { Module } from '@nestjs/common';
import { TherapySessionsModule } from '../therapy-sessions/therapy-sessions.module';
import { ClientNotesQueryService } from './client-notes-query.service';
import { ClientSessionNotesController } from './client-session-notes.controller';
import { NoteSigningService } from './note-signing.service';
import { SessionNotesController } from './session-notes.controller';
import { SessionNotesService } from './session-notes.service';

@Module({
  imports: [TherapySessionsModule],
  controllers: [SessionNotesController, ClientSessionNotesController],
  providers: [SessionNotesService, NoteSigningService, ClientNotesQueryService],
})
export class SessionNotesModule {}

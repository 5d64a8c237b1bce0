import { Module } from '@nestjs/common';
import { TherapySessionsModule } from '../therapy-sessions/therapy-sessions.module';
import { NoteSigningService } from './note-signing.service';
import { SessionNotesController } from './session-notes.controller';
import { SessionNotesService } from './session-notes.service';

@Module({
  imports: [TherapySessionsModule],
  controllers: [SessionNotesController],
  providers: [SessionNotesService, NoteSigningService],
})
export class SessionNotesModule {}

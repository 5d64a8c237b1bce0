import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { PsychotherapyNotesController } from './psychotherapy-notes.controller';
import { PsychotherapyNotesService } from './psychotherapy-notes.service';

@Module({
  imports: [ClientsModule],
  controllers: [PsychotherapyNotesController],
  providers: [PsychotherapyNotesService],
})
export class PsychotherapyNotesModule {}

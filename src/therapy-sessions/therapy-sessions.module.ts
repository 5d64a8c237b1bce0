import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { SeriesChangesController } from './series-changes.controller';
import { SeriesChangesService } from './series-changes.service';
import { SessionBooking } from './session-booking';
import { SessionSeriesService } from './session-series.service';
import { TherapySessionsQueryService } from './therapy-sessions-query.service';
import { TherapySessionsController } from './therapy-sessions.controller';
import { TherapySessionsService } from './therapy-sessions.service';

@Module({
  imports: [ClientsModule],
  controllers: [TherapySessionsController, SeriesChangesController],
  providers: [
    SessionBooking,
    TherapySessionsService,
    SessionSeriesService,
    SeriesChangesService,
    TherapySessionsQueryService,
  ],
  exports: [TherapySessionsService],
})
export class TherapySessionsModule {}

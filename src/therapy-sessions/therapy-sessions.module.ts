import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { SessionSeriesService } from './session-series.service';
import { TherapySessionsQueryService } from './therapy-sessions-query.service';
import { TherapySessionsController } from './therapy-sessions.controller';
import { TherapySessionsService } from './therapy-sessions.service';

@Module({
  imports: [ClientsModule],
  controllers: [TherapySessionsController],
  providers: [TherapySessionsService, SessionSeriesService, TherapySessionsQueryService],
  exports: [TherapySessionsService],
})
export class TherapySessionsModule {}

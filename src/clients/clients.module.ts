import { Module } from '@nestjs/common';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { CareTeamController } from './care-team.controller';
import { CareTeamService } from './care-team.service';
import { ClientAccessLogService } from './client-access-log.service';
import { ClientCreationService } from './client-creation.service';
import { ClientsQueryService } from './clients-query.service';
import { ClientsController } from './clients.controller';
import { ClientsService } from './clients.service';

@Module({
  controllers: [ClientsController, CareTeamController],
  providers: [
    ClientsService,
    ClientCreationService,
    ClientsQueryService,
    ClientAccessLogService,
    CareTeamService,
    IdempotencyService,
  ],
  exports: [IdempotencyService, CareTeamService],
})
export class ClientsModule {}

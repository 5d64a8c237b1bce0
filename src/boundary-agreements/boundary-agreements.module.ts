import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { AgreementLifecycleService } from './agreement-lifecycle.service';
import {
  BoundaryAgreementsController,
  BoundaryReviewsController,
} from './boundary-agreements.controller';
import { BoundaryAgreementsQueryService } from './boundary-agreements-query.service';
import { BoundaryAgreementsService } from './boundary-agreements.service';
import { BoundaryViolationsService } from './boundary-violations.service';

@Module({
  imports: [ClientsModule],
  controllers: [BoundaryAgreementsController, BoundaryReviewsController],
  providers: [
    BoundaryAgreementsService,
    AgreementLifecycleService,
    BoundaryViolationsService,
    BoundaryAgreementsQueryService,
  ],
})
export class BoundaryAgreementsModule {}

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
import { CaseBoundaryAgreementsController } from './case-boundary-agreements.controller';

@Module({
  imports: [ClientsModule],
  controllers: [
    BoundaryAgreementsController,
    BoundaryReviewsController,
    CaseBoundaryAgreementsController,
  ],
  providers: [
    BoundaryAgreementsService,
    AgreementLifecycleService,
    BoundaryViolationsService,
    BoundaryAgreementsQueryService,
  ],
})
export class BoundaryAgreementsModule {}

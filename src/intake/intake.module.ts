import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { IntakeInvitationsController } from './intake-invitations.controller';
import { IntakeInvitationsService } from './intake-invitations.service';
import { IntakeLinkIdempotencyScope } from './intake-link-idempotency.scope';
import { IntakeRateLimitGuard } from './intake-rate-limit.guard';
import { IntakeReviewService } from './intake-review.service';
import { IntakeSubmissionsController } from './intake-submissions.controller';
import { IntakeSubmissionsService } from './intake-submissions.service';
import { PublicIntakeController } from './public-intake.controller';
import { PublicIntakeService } from './public-intake.service';

@Module({
  imports: [ClientsModule],
  controllers: [IntakeInvitationsController, IntakeSubmissionsController, PublicIntakeController],
  providers: [
    IntakeInvitationsService,
    IntakeSubmissionsService,
    IntakeReviewService,
    PublicIntakeService,
    IntakeRateLimitGuard,
    IntakeLinkIdempotencyScope,
  ],
})
export class IntakeModule {}

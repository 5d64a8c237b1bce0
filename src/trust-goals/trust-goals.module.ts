import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { CaseGoalRecordsController } from './case-goal-records.controller';
import { CaseTrustGoalsController } from './case-trust-goals.controller';
import { GoalPlanService } from './goal-plan.service';
import { GoalProgressService } from './goal-progress.service';
import { GoalRecordsController } from './goal-records.controller';
import { GoalTimelineService } from './goal-timeline.service';
import { TrustGoalsController } from './trust-goals.controller';
import { TrustGoalsQueryService } from './trust-goals-query.service';
import { TrustGoalsService } from './trust-goals.service';

@Module({
  imports: [ClientsModule],
  controllers: [
    TrustGoalsController,
    GoalRecordsController,
    CaseTrustGoalsController,
    CaseGoalRecordsController,
  ],
  providers: [
    TrustGoalsService,
    TrustGoalsQueryService,
    GoalPlanService,
    GoalProgressService,
    GoalTimelineService,
  ],
})
export class TrustGoalsModule {}

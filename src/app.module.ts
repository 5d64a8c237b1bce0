import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { Request } from 'express';
import { ClsModule } from 'nestjs-cls';
import type { Logger } from 'pino';
import { AppConfig } from './config/app-config';
import { Clock, ClockModule } from './common/clock/clock';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { RetryingTransactionalAdapterTypeOrm } from './database/retrying-transactional-adapter';
import { HealthModule } from './health/health.module';
import { RequestContextModule } from './common/request-context/request-context.module';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { StaffModule } from './staff/staff.module';
import { AccessModule } from './access/access.module';
import { DashboardsModule } from './dashboards/dashboards.module';
import { BoundaryAgreementsModule } from './boundary-agreements/boundary-agreements.module';
import { TherapySessionsModule } from './therapy-sessions/therapy-sessions.module';
import { SessionNotesModule } from './session-notes/session-notes.module';
import { TrustGoalsModule } from './trust-goals/trust-goals.module';
import { CasesModule } from './cases/cases.module';
import { ClientsModule } from './clients/clients.module';
import { EmergencyAccessModule } from './emergency-access/emergency-access.module';
import { FamilyMembersModule } from './family-members/family-members.module';
import { CalendarFeedsModule } from './calendar-feeds/calendar-feeds.module';
import { PsychotherapyNotesModule } from './psychotherapy-notes/psychotherapy-notes.module';
import { IntakeModule } from './intake/intake.module';
import { HousekeepingModule } from './housekeeping/housekeeping.module';
import { ApiClientsModule } from './api-clients/api-clients.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ChangeFeedModule } from './change-feed/change-feed.module';
import { MetricsModule } from './metrics/metrics.module';

export interface AppModuleOptions {
  config: AppConfig;
  logger: Logger;
  databaseUrl: string;
  /** Extra modules (test fixtures). */
  imports?: ModuleMetadata['imports'];
  /** What the dashboards take as "now"; the system clock unless a test pins it. */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot({
    config,
    logger,
    databaseUrl,
    imports = [],
    clock,
  }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, logger),
        ClockModule.forRoot(clock),
        DatabaseModule.forRoot(databaseUrl),
        ClsModule.forRoot({
          global: true,
          middleware: {
            mount: true,
            generateId: true,
            // No proxy providers are registered; resolving them anyway cost each request a
            // dynamic require inside nestjs-cls (~2% of a read's CPU).
            resolveProxyProviders: false,
            idGenerator: (request: Request) => request.id,
            setup: (cls, request: Request) => {
              cls.set('ip', request.ip);
              const userAgent = request.headers['user-agent'];
              if (userAgent) cls.set('userAgent', userAgent.slice(0, 512));
            },
          },
          plugins: [
            new ClsPluginTransactional({
              imports: [TypeOrmModule],
              adapter: new RetryingTransactionalAdapterTypeOrm(
                { dataSourceToken: getDataSourceToken() },
                logger,
              ),
            }),
          ],
        }),
        RequestContextModule,
        IdempotencyModule,
        AuditModule,
        AuthModule,
        StaffModule,
        ApiClientsModule,
        AccessModule,
        DashboardsModule,
        BoundaryAgreementsModule,
        ClientsModule,
        CasesModule,
        EmergencyAccessModule,
        FamilyMembersModule,
        CalendarFeedsModule,
        PsychotherapyNotesModule,
        TherapySessionsModule,
        SessionNotesModule,
        TrustGoalsModule,
        IntakeModule,
        WebhooksModule,
        ChangeFeedModule,
        HousekeepingModule,
        HealthModule,
        MetricsModule,
        ...imports,
      ],
    };
  }
}

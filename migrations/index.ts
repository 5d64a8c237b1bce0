import { CreatePractices1763712000000 } from './1763712000000-create-practices';
import { CreateAuditEvents1763712100000 } from './1763712100000-create-audit-events';
import { CreateAuditChain1763712150000 } from './1763712150000-create-audit-chain';
import { CreateStaffAndCredentials1763712200000 } from './1763712200000-create-staff-and-credentials';
import { CreateClientsAndCareTeams1763712300000 } from './1763712300000-create-clients-and-care-teams';
import { CreateTherapySessionsAndNotes1763712400000 } from './1763712400000-create-therapy-sessions-and-notes';
import { CreateBoundaryAgreements1763712500000 } from './1763712500000-create-boundary-agreements';
import { CreateTrustGoals1763712600000 } from './1763712600000-create-trust-goals';
import { CreateIntake1763712700000 } from './1763712700000-create-intake';
import { AddDashboardIndexes1763712800000 } from './1763712800000-add-dashboard-indexes';
import { StoreDashboardFigures1763712900000 } from './1763712900000-store-dashboard-figures';
import { IndexAuditEventsByListedClients1763713000000 } from './1763713000000-index-audit-events-by-listed-clients';
import { VersionStaffAccessTokens1763713100000 } from './1763713100000-version-staff-access-tokens';
import { CreateLoginFailures1763713200000 } from './1763713200000-create-login-failures';
import { GrantApplicationRole1763713300000 } from './1763713300000-grant-application-role';
import { LeadTenantKeysWithPractice1763713400000 } from './1763713400000-lead-tenant-keys-with-practice';
import { StoreRecentCommitments1763713500000 } from './1763713500000-store-recent-commitments';
import { CreateApiClients1763713600000 } from './1763713600000-create-api-clients';
import { CreateWebhooksAndChangeLog1763713700000 } from './1763713700000-create-webhooks-and-change-log';
import { LetApplicationReadMigrations1763714000000 } from './1763714000000-let-application-read-migrations';
import { CreateFamilyCases1763714100000 } from './1763714100000-create-family-cases';
import { LetCasesHoldAgreementsAndGoals1763714200000 } from './1763714200000-let-cases-hold-agreements-and-goals';
import { KeepIntegrationRecordsBounded1763714400000 } from './1763714400000-keep-integration-records-bounded';
import { StoreRecentCommitmentTotals1763714550000 } from './1763714550000-store-recent-commitment-totals';
import { LetCasesHoldGoalAndAgreementRecords1763714600000 } from './1763714600000-let-cases-hold-goal-and-agreement-records';
import { FollowCasesInChangeLog1763714650000 } from './1763714650000-follow-cases-in-change-log';
import { CoverDashboardReads1763714700000 } from './1763714700000-cover-dashboard-reads';
import { TimeOrderedAuditEventIds1763714800000 } from './1763714800000-time-ordered-audit-event-ids';
import { KeepCareTeamGoals1763714900000 } from './1763714900000-keep-care-team-goals';
import { CopyClientStatusToCareTeams1763715000000 } from './1763715000000-copy-client-status-to-care-teams';
import { CopyClientNumberToCareTeamGoals1763715100000 } from './1763715100000-copy-client-number-to-care-team-goals';

/**
 * Every migration, in order. Listed explicitly (not globbed) so the compiled API, the migration CLI
 * and jest all run exactly the same set; a new migration is added here in the same commit.
 */
export const migrations = [
  CreatePractices1763712000000,
  CreateAuditEvents1763712100000,
  CreateAuditChain1763712150000,
  CreateStaffAndCredentials1763712200000,
  CreateClientsAndCareTeams1763712300000,
  CreateTherapySessionsAndNotes1763712400000,
  CreateBoundaryAgreements1763712500000,
  CreateTrustGoals1763712600000,
  CreateIntake1763712700000,
  AddDashboardIndexes1763712800000,
  StoreDashboardFigures1763712900000,
  IndexAuditEventsByListedClients1763713000000,
  VersionStaffAccessTokens1763713100000,
  CreateLoginFailures1763713200000,
  GrantApplicationRole1763713300000,
  LeadTenantKeysWithPractice1763713400000,
  StoreRecentCommitments1763713500000,
  CreateApiClients1763713600000,
  CreateWebhooksAndChangeLog1763713700000,
  LetApplicationReadMigrations1763714000000,
  CreateFamilyCases1763714100000,
  LetCasesHoldAgreementsAndGoals1763714200000,
  KeepIntegrationRecordsBounded1763714400000,
  StoreRecentCommitmentTotals1763714550000,
  LetCasesHoldGoalAndAgreementRecords1763714600000,
  FollowCasesInChangeLog1763714650000,
  CoverDashboardReads1763714700000,
  TimeOrderedAuditEventIds1763714800000,
  KeepCareTeamGoals1763714900000,
  CopyClientStatusToCareTeams1763715000000,
  CopyClientNumberToCareTeamGoals1763715100000,
];

import { Injectable } from '@nestjs/common';
import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import { openClientCase } from '../cases/case-writes';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import type { AuditEventInput } from '../audit/audit-event';
import { authorOf, type Caller } from '../common/actor/actor';
import { UnprocessableProblem } from '../common/problem/problem';
import { etagOf } from '../common/http/etag';
import {
  IdempotencyService,
  type CreatedResponse,
} from '../common/idempotency/idempotency.service';
import { rowsOfManager } from '../common/sql/query-rows';
import { providedFields } from '../common/validation/transforms';
import { assertDeceasedConsistent } from '../family-members/family-member-errors';
import {
  FAMILY_MEMBER_COLUMNS,
  newFamilyMemberColumns,
  toFamilyMemberView,
  type FamilyMemberRow,
} from '../family-members/family-member.row';
import {
  FAMILY_MEMBER_DEFAULTS,
  insertFamilyMembers,
  type NewFamilyMember,
} from '../family-members/family-member-writes';
import { CareTeamService } from './care-team.service';
import { CLIENT_ERRORS } from './client-errors';
import { toClientView } from './client.row';
import { drawClientNumbers, insertClient } from './client-writes';
import { CreateClientDto, type CreatedClientView } from './dto/client.dto';

/**
 * Opening a client record, with its family members when the request lists them and the case around
 * them when it asks for one: one transaction, so either the client, every member and the case
 * exist, each with its own `create` event, or nothing does. Without `case` no case is opened.
 */
@Injectable()
export class ClientCreationService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly careTeam: CareTeamService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly webhooks: WebhookOutbox,
  ) {}

  /**
   * An API client opens clients too (`clients:write`). One restricted to a caseload must name a
   * primary counselor of that caseload: the client it opens is then one it reaches.
   */
  async create(
    actor: Caller,
    dto: CreateClientDto,
    idempotencyKey?: string,
  ): Promise<CreatedResponse<CreatedClientView> & { replayed: boolean }> {
    const members = dto.familyMembers ?? [];
    assertDeceasedConsistent(
      members.map((member, i) => ({
        deceased: member.deceased ?? false,
        deceasedOn: member.deceasedOn ?? null,
        prefix: `familyMembers[${i}].`,
      })),
    );
    // The number is drawn in a statement of its own, committed before the creating transaction
    // opens: the practice's counter row is then locked for one statement rather than until this
    // creation commits, so concurrent creations in a practice no longer queue on it (issue 19).
    // A creation refused below, or a replay, leaves its number unused: a gap, never a repeat.
    assertPrimaryInCaseload(actor, dto.primaryCounselorId);
    const clientNumber = await this.txHost.withTransaction(Propagation.NotSupported, () =>
      drawClientNumbers(rowsOfManager(this.txHost.tx), actor.practiceId, 1),
    );
    return this.txHost.withTransaction(() =>
      this.idempotency.runScoped(
        { practiceId: actor.practiceId, ownerId: actor.id },
        idempotencyKey,
        dto,
        async () => {
          const clinician = actor.role === 'counselor' || actor.role === 'supervisor';
          const primaryId = dto.primaryCounselorId ?? (clinician ? actor.id : undefined);
          if (primaryId)
            await this.careTeam.assertClinician(actor.practiceId, primaryId, 'primaryCounselorId');
          const rows = rowsOfManager(this.txHost.tx);
          const client = await insertClient(
            rows,
            actor.practiceId,
            {
              first_name: dto.firstName.trim(),
              last_name: dto.lastName.trim(),
              preferred_name: dto.preferredName?.trim() ?? null,
              date_of_birth: dto.dateOfBirth,
              pronouns: dto.pronouns ?? null,
              email: dto.email ?? null,
              phone: dto.phone ?? null,
              presenting_concerns: dto.presentingConcerns ?? [],
              trust_indicators: dto.trustIndicators ?? [],
              risk_flags: dto.riskFlags ?? [],
              substance_use_records: dto.substanceUseRecords ?? false,
              created_by: authorOf(actor),
            },
            clientNumber,
          );
          if (primaryId)
            await this.careTeam.insertMember(actor, client.id, primaryId, 'primary_counselor');
          const { familyMembers: _members, case: kase, ...clientFields } = dto;
          const events: AuditEventInput[] = [
            {
              action: 'create',
              resourceType: 'client',
              resourceId: client.id,
              clientId: client.id,
              changedFields: providedFields(clientFields),
            },
          ];
          const memberColumns = members.map(newFamilyMemberColumns);
          // RETURNING gives the rows of an INSERT … SELECT in the order the SELECT produced them,
          // which for one recordset is the order given.
          const memberRows = await insertFamilyMembers<FamilyMemberRow>(
            rows,
            actor.practiceId,
            memberColumns.map(
              ({ columns }) =>
                ({
                  ...FAMILY_MEMBER_DEFAULTS,
                  ...columns,
                  client_id: client.id,
                }) as NewFamilyMember,
            ),
            FAMILY_MEMBER_COLUMNS,
          );
          memberRows.forEach((row, i) =>
            events.push({
              action: 'create',
              resourceType: 'family_member',
              resourceId: row.id,
              clientId: client.id,
              changedFields: memberColumns[i]!.fields,
            }),
          );
          let caseId: string | undefined;
          if (kase) {
            caseId = await openClientCase(rows, {
              practiceId: actor.practiceId,
              clientId: client.id,
              type: kase.type,
              label: kase.label?.trim() ?? client.last_name,
              presentingReason: kase.presentingReason ?? null,
              primaryCounselorId: primaryId ?? null,
              createdBy: authorOf(actor),
            });
            events.push({
              action: 'create',
              resourceType: 'case',
              resourceId: caseId,
              changedFields: providedFields(kase),
              metadata: { clientId: client.id, members: members.length + 1 },
            });
          }
          await this.audit.recordMany(events);
          // One statement for both events: this path's statement count is measured.
          await this.webhooks.emitAll([
            { type: 'client.created', ids: { practiceId: actor.practiceId, clientId: client.id } },
            ...(caseId
              ? [{ type: 'case.opened' as const, ids: { practiceId: actor.practiceId, caseId } }]
              : []),
          ]);
          const body: CreatedClientView = toClientView(client);
          if (dto.familyMembers) body.familyMembers = memberRows.map(toFamilyMemberView);
          if (caseId) body.caseId = caseId;
          return { body, etag: etagOf(client.id, client.version) };
        },
      ),
    );
  }
}

function assertPrimaryInCaseload(actor: Caller, primaryId: string | undefined): void {
  if (actor.kind !== 'api_client' || actor.caseloadStaffIds === null) return;
  if (primaryId && actor.caseloadStaffIds.includes(primaryId)) return;
  throw new UnprocessableProblem(
    CLIENT_ERRORS.primaryOutsideCaseload,
    'Name a primary counselor of this API client’s caseload.',
    [{ field: 'primaryCounselorId', message: 'must be a counselor of the API client’s caseload' }],
  );
}

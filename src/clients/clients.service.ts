import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditedClientRead } from '../access/audited-client-read.service';
import { ClientAccessService } from '../access/client-access.service';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { AuditService } from '../audit/audit.service';
import type { Caller, StaffActor } from '../common/actor/actor';
import {
  etagOf,
  expectedVersion,
  PreconditionFailedProblem,
  type Versioned,
} from '../common/http/etag';
import { UnprocessableProblem } from '../common/problem/problem';
import { SqlParams } from '../common/sql/sql-params';
import { CareTeamService } from './care-team.service';
import { CLIENT_ERRORS } from './client-errors';
import { assertClientTransition } from './client-status';
import { CLIENT_COLUMNS, toClientView, type ClientRow, type ClientView } from './client.row';
import { ChangeClientStatusDto, EnteredInErrorDto, UpdateClientDto } from './dto/client.dto';

export type VersionedClient = Versioned<ClientView>;

// DTO field → column, for the fields a PATCH may change.
const UPDATABLE: Record<keyof UpdateClientDto, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  preferredName: 'preferred_name',
  dateOfBirth: 'date_of_birth',
  pronouns: 'pronouns',
  email: 'email',
  phone: 'phone',
  presentingConcerns: 'presenting_concerns',
  trustIndicators: 'trust_indicators',
  riskFlags: 'risk_flags',
  substanceUseRecords: 'substance_use_records',
};

/** Use cases on one client's record. Every read and write passes the access check and is audited. */

/** What a client event names: ids only. */
function ids(actor: Caller, clientId: string) {
  return { practiceId: actor.practiceId, clientId };
}
@Injectable()
export class ClientsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly careTeam: CareTeamService,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookOutbox,
    private readonly audited: AuditedClientRead,
  ) {}

  /** The access check and the `read` event (or the denial's) are one statement. */
  async get(actor: Caller, clientId: string): Promise<VersionedClient> {
    const { client } = await this.audited.read(actor, clientId);
    return versioned(client);
  }

  update(
    actor: Caller,
    clientId: string,
    dto: UpdateClientDto,
    ifMatch?: string,
  ): Promise<VersionedClient> {
    return this.txHost.withTransaction(async () => {
      const { client } = await this.access.require(actor, clientId, 'write', { forUpdate: true });
      const expected = expectedVersion(ifMatch, clientId, client.version) ?? client.version;
      const params = new SqlParams();
      const changedFields: string[] = [];
      const assignments: string[] = [];
      for (const [field, column] of Object.entries(UPDATABLE) as [
        keyof UpdateClientDto,
        keyof ClientRow,
      ][]) {
        const value = dto[field];
        if (value === undefined || sameValue(client[column], value)) continue;
        changedFields.push(field);
        assignments.push(
          `${column} = ${params.add(typeof value === 'string' ? value.trim() : value)}`,
        );
      }
      if (changedFields.length === 0) return versioned(client);
      const updated = await this.write(clientId, actor.practiceId, expected, assignments, params);
      await this.audit.record({
        action: 'update',
        resourceType: 'client',
        resourceId: clientId,
        clientId,
        changedFields,
      });
      await this.webhooks.emit('client.updated', ids(actor, clientId));
      return versioned(updated);
    });
  }

  changeStatus(
    actor: StaffActor,
    clientId: string,
    dto: ChangeClientStatusDto,
    ifMatch?: string,
  ): Promise<VersionedClient> {
    return this.txHost.withTransaction(async () => {
      const { client } = await this.access.require(actor, clientId, 'write', { forUpdate: true });
      const expected = expectedVersion(ifMatch, clientId, client.version) ?? client.version;
      assertClientTransition(client.status, dto.status);
      const params = new SqlParams();
      const assignments = [`status = ${params.add(dto.status)}`];
      if (dto.status === 'discharged') {
        const missing = (['reason', 'dischargedOn'] as const).filter((field) => !dto[field]);
        if (missing.length > 0) {
          throw new UnprocessableProblem(
            CLIENT_ERRORS.dischargeIncomplete,
            'Discharging a client needs a reason and a discharge date.',
            missing.map((field) => ({ field, message: 'is required when discharging' })),
          );
        }
        assignments.push(
          `discharge_reason = ${params.add(dto.reason)}`,
          `discharged_on = ${params.add(dto.dischargedOn)}`,
        );
      } else {
        assignments.push('discharge_reason = NULL', 'discharged_on = NULL');
      }
      if (dto.status === 'active') await this.careTeam.assertHasPrimary(actor.practiceId, clientId);
      const updated = await this.write(clientId, actor.practiceId, expected, assignments, params);
      await this.audit.record({
        action: 'status_change',
        resourceType: 'client',
        resourceId: clientId,
        clientId,
        changedFields:
          dto.status === 'discharged' ? ['status', 'dischargeReason', 'dischargedOn'] : ['status'],
        metadata: { from: client.status, to: dto.status },
      });
      await this.webhooks.emit('client.status_changed', ids(actor, clientId));
      return versioned(updated);
    });
  }

  /** A record created by mistake leaves every list but stays, readable by admins and in the audit trail. */
  markEnteredInError(
    actor: StaffActor,
    clientId: string,
    dto: EnteredInErrorDto,
  ): Promise<VersionedClient> {
    return this.txHost.withTransaction(async () => {
      const { client } = await this.access.require(actor, clientId, 'write', { forUpdate: true });
      const params = new SqlParams();
      const assignments = [
        `status = 'entered_in_error'`,
        `error_reason = ${params.add(dto.reason)}`,
      ];
      const updated = await this.write(
        clientId,
        actor.practiceId,
        client.version,
        assignments,
        params,
      );
      await this.audit.record({
        action: 'status_change',
        resourceType: 'client',
        resourceId: clientId,
        clientId,
        changedFields: ['status', 'errorReason'],
        metadata: { from: client.status, to: 'entered_in_error' },
      });
      await this.webhooks.emit('client.status_changed', ids(actor, clientId));
      return versioned(updated);
    });
  }

  private async write(
    clientId: string,
    practiceId: string,
    expected: number,
    assignments: string[],
    params: SqlParams,
  ): Promise<ClientRow> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [[row]] = await this.txHost.tx.query<[ClientRow[], number]>(
      `UPDATE clients c SET ${assignments.join(', ')}, version = version + 1, updated_at = now(), last_activity_at = now()
        WHERE c.practice_id = ${params.add(practiceId)} AND c.id = ${params.add(clientId)} AND c.version = ${params.add(expected)}
        RETURNING ${CLIENT_COLUMNS}`,
      params.values,
    );
    if (!row) throw new PreconditionFailedProblem();
    return row;
  }
}

function versioned(client: ClientRow): VersionedClient {
  return { view: toClientView(client), etag: etagOf(client.id, client.version) };
}

function sameValue(current: unknown, next: unknown): boolean {
  return JSON.stringify(current) === JSON.stringify(typeof next === 'string' ? next.trim() : next);
}

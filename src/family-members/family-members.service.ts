import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { Caller, StaffActor } from '../common/actor/actor';
import {
  etagOf,
  expectedVersion,
  PreconditionFailedProblem,
  type Versioned,
} from '../common/http/etag';
import {
  IdempotencyService,
  type CreatedResponse,
} from '../common/idempotency/idempotency.service';
import { NotFoundProblem } from '../common/problem/problem';
import { rowsOfManager } from '../common/sql/query-rows';
import { SqlParams } from '../common/sql/sql-params';
import { touchActivity } from '../clients/client-writes';
import { assertDeceasedConsistent } from './family-member-errors';
import {
  CreateFamilyMemberDto,
  FamilyMemberView,
  UpdateFamilyMemberDto,
} from './family-member.dto';
import {
  FAMILY_MEMBER_COLUMNS as SELECT,
  FAMILY_MEMBER_FIELDS as COLUMNS,
  newFamilyMemberColumns,
  toFamilyMemberView,
  type FamilyMemberRow as MemberRow,
} from './family-member.row';
import { insertFamilyMembers, type NewFamilyMember } from './family-member-writes';

export type VersionedMember = Versioned<FamilyMemberView>;

/** A client's family members: reachable exactly when their client is. */
@Injectable()
export class FamilyMembersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  add(
    actor: StaffActor,
    clientId: string,
    dto: CreateFamilyMemberDto,
    key?: string,
  ): Promise<CreatedResponse<FamilyMemberView> & { replayed: boolean }> {
    return this.txHost.withTransaction(() =>
      this.idempotency.run(actor, key, { clientId, ...dto }, async () => {
        await this.access.require(actor, clientId, 'write', { forUpdate: true });
        assertDeceasedConsistent([
          { deceased: dto.deceased ?? false, deceasedOn: dto.deceasedOn ?? null },
        ]);
        const { columns, fields } = newFamilyMemberColumns(dto);
        const [row] = await insertFamilyMembers<MemberRow>(
          rowsOfManager(this.txHost.tx),
          actor.practiceId,
          [{ ...columns, client_id: clientId } as NewFamilyMember],
          SELECT,
        );
        await touchActivity(rowsOfManager(this.txHost.tx), actor.practiceId, clientId);
        await this.audit.record({
          action: 'create',
          resourceType: 'family_member',
          resourceId: row!.id,
          clientId,
          changedFields: fields,
        });
        return { body: toFamilyMemberView(row!), etag: etagOf(row!.id, row!.version) };
      }),
    );
  }

  async list(actor: Caller, clientId: string): Promise<FamilyMemberView[]> {
    await this.access.require(actor, clientId, 'read');
    const rows = await this.txHost.tx.query<MemberRow[]>(
      `SELECT ${SELECT} FROM family_members WHERE practice_id = $1 AND client_id = $2 ORDER BY created_at, id LIMIT 500`,
      [actor.practiceId, clientId],
    );
    await this.audit.record({
      action: 'list',
      resourceType: 'family_member',
      clientId,
      metadata: { count: rows.length },
    });
    return rows.map(toFamilyMemberView);
  }

  async get(actor: Caller, clientId: string, memberId: string): Promise<VersionedMember> {
    await this.access.require(actor, clientId, 'read');
    const row = await this.load(actor.practiceId, clientId, memberId);
    await this.audit.record({
      action: 'read',
      resourceType: 'family_member',
      resourceId: memberId,
      clientId,
    });
    return { view: toFamilyMemberView(row), etag: etagOf(row.id, row.version) };
  }

  update(
    actor: StaffActor,
    clientId: string,
    memberId: string,
    dto: UpdateFamilyMemberDto,
    ifMatch?: string,
  ): Promise<VersionedMember> {
    return this.txHost.withTransaction(async () => {
      await this.access.require(actor, clientId, 'write', { forUpdate: true });
      const current = await this.load(actor.practiceId, clientId, memberId);
      const expected = expectedVersion(ifMatch, memberId, current.version) ?? current.version;
      assertDeceasedConsistent([
        {
          deceased: dto.deceased ?? current.deceased,
          deceasedOn: dto.deceasedOn !== undefined ? dto.deceasedOn : current.deceased_on,
        },
      ]);
      const params = new SqlParams();
      const changed = (Object.keys(COLUMNS) as (keyof UpdateFamilyMemberDto)[]).filter(
        (field) =>
          dto[field] !== undefined &&
          JSON.stringify(clean(dto[field])) !== JSON.stringify(current[COLUMNS[field]]),
      );
      if (changed.length === 0)
        return { view: toFamilyMemberView(current), etag: etagOf(current.id, current.version) };
      const assignments = changed.map(
        (field) => `${COLUMNS[field]} = ${params.add(clean(dto[field]))}`,
      );
      const [[row]] = await this.txHost.tx.query<[MemberRow[], number]>(
        `UPDATE family_members SET ${assignments.join(', ')}, version = version + 1, updated_at = now()
          WHERE practice_id = ${params.add(actor.practiceId)} AND client_id = ${params.add(clientId)}
            AND id = ${params.add(memberId)} AND version = ${params.add(expected)}
          RETURNING ${SELECT}`,
        params.values,
      );
      if (!row) throw new PreconditionFailedProblem();
      await touchActivity(rowsOfManager(this.txHost.tx), actor.practiceId, clientId);
      await this.audit.record({
        action: 'update',
        resourceType: 'family_member',
        resourceId: memberId,
        clientId,
        changedFields: changed,
      });
      return { view: toFamilyMemberView(row), etag: etagOf(row.id, row.version) };
    });
  }

  private async load(practiceId: string, clientId: string, memberId: string): Promise<MemberRow> {
    const [row] = await this.txHost.tx.query<MemberRow[]>(
      `SELECT ${SELECT} FROM family_members WHERE practice_id = $1 AND client_id = $2 AND id = $3`,
      [practiceId, clientId, memberId],
    );
    if (!row) throw new NotFoundProblem('The family member');
    return row;
  }
}

function clean(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

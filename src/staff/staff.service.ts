import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { PasswordHasher } from '../auth/password-hasher';
import { sha256, TokenService } from '../auth/token.service';
import {
  PreconditionFailedProblem,
  etagOf,
  expectedVersion,
  type Versioned,
} from '../common/http/etag';
import { SqlParams } from '../common/sql/sql-params';
import { providedFields } from '../common/validation/transforms';
import {
  PRACTICE_COLUMNS,
  toPracticeSummary,
  type PracticeRow,
  type PracticeSummary,
} from '../practices/practice.row';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination/cursor';
import {
  CreateStaffDto,
  CreatedStaffView,
  ListStaffQueryDto,
  StaffView,
  UpdateStaffDto,
} from './dto/staff.dto';
import { InvalidSupervisorError, LastAdminError, StaffNotFoundError } from './staff-errors';
import { STAFF_COLUMNS, toStaffView, UPDATABLE_STAFF_COLUMNS, type StaffRow } from './staff.row';

const SET_PASSWORD_TOKEN_DAYS = 7;

/** Admin use cases for the practice's staff. Staff are deactivated, never deleted. */
@Injectable()
export class StaffService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: StaffActor, dto: CreateStaffDto): Promise<CreatedStaffView> {
    // Hash outside the transaction: argon2 is deliberately slow and holds no lock.
    const passwordHash = dto.password ? await this.hasher.hash(dto.password) : null;
    return this.txHost.withTransaction(async () => {
      if (dto.supervisorId)
        await this.assertSupervisor(actor.practiceId, dto.supervisorId, dto.role);
      const [staff] = await this.txHost.tx.query<StaffRow[]>(
        `INSERT INTO staff AS s (practice_id, email, first_name, last_name, role, supervisor_id, requires_cosign,
                                 password_hash, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING ${STAFF_COLUMNS}`,
        [
          actor.practiceId,
          dto.email.trim().toLowerCase(),
          dto.firstName.trim(),
          dto.lastName.trim(),
          dto.role,
          dto.supervisorId ?? null,
          dto.requiresCosign ?? false,
          passwordHash,
          passwordHash ? new Date() : null,
        ],
      );
      const created: CreatedStaffView = toStaffView(staff!);
      if (!passwordHash)
        Object.assign(created, await this.createPasswordToken(actor.practiceId, staff!.id));
      await this.audit.record({
        action: 'create',
        resourceType: 'staff',
        resourceId: staff!.id,
        changedFields: providedFields(dto).filter((field) => field !== 'password'),
      });
      return created;
    });
  }

  async list(actor: StaffActor, query: ListStaffQueryDto): Promise<Page<StaffView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params = new SqlParams();
    const where = [`s.practice_id = ${params.add(actor.practiceId)}`];
    if (query.role) where.push(`s.role = ${params.add(query.role)}`);
    if (query.active !== undefined) where.push(`s.active = ${params.add(query.active)}`);
    if (query.cursor) {
      const [lastName, firstName, id] = decodeCursor(query.cursor, 3);
      where.push(
        `(s.last_name, s.first_name, s.id) > (${params.add(lastName)}, ${params.add(firstName)}, ${params.add(id)})`,
      );
    }
    const rows = await this.txHost.tx.query<StaffRow[]>(
      `SELECT ${STAFF_COLUMNS} FROM staff s
        WHERE ${where.join(' AND ')}
        ORDER BY s.last_name, s.first_name, s.id LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.last_name, row.first_name, row.id]);
    return { data: page.data.map(toStaffView), nextCursor: page.nextCursor };
  }

  async get(actor: StaffActor, id: string): Promise<Versioned<StaffView>> {
    return versioned(await this.load(actor.practiceId, id));
  }

  async update(
    actor: StaffActor,
    id: string,
    dto: UpdateStaffDto,
    ifMatch?: string,
  ): Promise<Versioned<StaffView>> {
    let revoked: string | undefined;
    const result = await this.txHost.withTransaction(async () => {
      const staff = await this.load(actor.practiceId, id, true);
      const expected = expectedVersion(ifMatch, staff.id, staff.version) ?? staff.version;
      const changes = definedOnly(dto);
      const role = changes.role ?? staff.role;
      const supervisorId = 'supervisorId' in changes ? changes.supervisorId : staff.supervisor_id;
      if (role !== 'counselor' && supervisorId) {
        throw new InvalidSupervisorError('only counselors have a supervisor; clear supervisorId');
      }
      if (dto.supervisorId && dto.supervisorId !== staff.supervisor_id) {
        await this.assertSupervisor(actor.practiceId, dto.supervisorId, role, staff.id);
      }
      if (staff.role === 'admin' && role !== 'admin' && staff.active)
        await this.assertAnotherAdmin(staff);
      const params = new SqlParams();
      const changedFields: string[] = [];
      const assignments: string[] = [];
      for (const [field, value] of Object.entries(changes)) {
        // Only names from the fixed map reach the SQL text, whatever the body held.
        if (!Object.hasOwn(UPDATABLE_STAFF_COLUMNS, field)) continue;
        const column = UPDATABLE_STAFF_COLUMNS[field as keyof typeof UPDATABLE_STAFF_COLUMNS];
        if (value !== staff[column]) changedFields.push(field);
        assignments.push(`${column} = ${params.add(value)}`);
      }
      if (changedFields.length === 0) return versioned(staff);
      const [[updated]] = await this.txHost.tx.query<[StaffRow[], number]>(
        `UPDATE staff s SET ${assignments.join(', ')}, version = version + 1, updated_at = now()
          WHERE s.practice_id = ${params.add(actor.practiceId)} AND s.id = ${params.add(id)}
            AND s.version = ${params.add(expected)}
          RETURNING ${STAFF_COLUMNS}`,
        params.values,
      );
      if (!updated) throw new PreconditionFailedProblem();
      // Tokens state the role they were issued for: with a new role, the old ones must go.
      if (changedFields.includes('role'))
        revoked = await this.tokens.endAccessTokens(actor.practiceId, id);
      await this.audit.record({
        action: 'update',
        resourceType: 'staff',
        resourceId: id,
        changedFields,
      });
      return versioned(updated);
    });
    this.tokens.forgetAfterCommit(revoked);
    return result;
  }

  /** Ends the account: no sign-in, and every token refused from the next request on. */
  async deactivate(actor: StaffActor, id: string): Promise<Versioned<StaffView>> {
    let revoked: string | undefined;
    const result = await this.txHost.withTransaction(async () => {
      const staff = await this.load(actor.practiceId, id, true);
      if (!staff.active) return versioned(staff);
      if (staff.role === 'admin') await this.assertAnotherAdmin(staff);
      const updated = await this.setActivity(
        actor.practiceId,
        id,
        'active = false, deactivated_at = now()',
      );
      revoked = await this.tokens.revokeAllForStaff(actor.practiceId, id, 'deactivated');
      await this.audit.record({
        action: 'deactivate',
        resourceType: 'staff',
        resourceId: id,
        changedFields: ['active'],
      });
      return versioned(updated);
    });
    this.tokens.forgetAfterCommit(revoked);
    return result;
  }

  reactivate(actor: StaffActor, id: string): Promise<Versioned<StaffView>> {
    return this.txHost.withTransaction(async () => {
      const staff = await this.load(actor.practiceId, id, true);
      if (staff.active) return versioned(staff);
      const updated = await this.setActivity(
        actor.practiceId,
        id,
        'active = true, deactivated_at = NULL, locked_until = NULL',
      );
      await this.audit.record({
        action: 'reactivate',
        resourceType: 'staff',
        resourceId: id,
        changedFields: ['active'],
      });
      return versioned(updated);
    });
  }

  async me(actor: StaffActor): Promise<StaffView & { practice: PracticeSummary }> {
    const staff = await this.load(actor.practiceId, actor.id);
    const [practice] = await this.txHost.tx.query<PracticeRow[]>(
      `SELECT ${PRACTICE_COLUMNS} FROM practices p WHERE p.id = $1`,
      [actor.practiceId],
    );
    return { ...toStaffView(staff), practice: toPracticeSummary(practice!) };
  }

  /** Loads a staff member of the caller's practice; another practice's id is simply not found. */
  private async load(practiceId: string, id: string, forUpdate = false): Promise<StaffRow> {
    const staff = await this.find(practiceId, id, forUpdate);
    if (!staff) throw new StaffNotFoundError();
    return staff;
  }

  private async find(
    practiceId: string,
    id: string,
    forUpdate = false,
  ): Promise<StaffRow | undefined> {
    const [staff] = await this.txHost.tx.query<StaffRow[]>(
      `SELECT ${STAFF_COLUMNS} FROM staff s WHERE s.practice_id = $1 AND s.id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [practiceId, id],
    );
    return staff;
  }

  /** Flips an account on or off; the caller holds the row's lock, so the version is its own. */
  private async setActivity(
    practiceId: string,
    id: string,
    assignments: string,
  ): Promise<StaffRow> {
    const [[updated]] = await this.txHost.tx.query<[StaffRow[], number]>(
      `UPDATE staff s SET ${assignments}, version = version + 1, updated_at = now()
        WHERE s.practice_id = $1 AND s.id = $2
        RETURNING ${STAFF_COLUMNS}`,
      [practiceId, id],
    );
    return updated!;
  }

  private async assertSupervisor(
    practiceId: string,
    supervisorId: string,
    role: string,
    selfId?: string,
  ): Promise<void> {
    if (role !== 'counselor') throw new InvalidSupervisorError('only counselors have a supervisor');
    if (supervisorId === selfId)
      throw new InvalidSupervisorError('a counselor cannot supervise themselves');
    const supervisor = await this.find(practiceId, supervisorId);
    if (!supervisor) throw new InvalidSupervisorError('no such staff member in this practice');
    if (!supervisor.active) throw new InvalidSupervisorError('the supervisor is deactivated');
    if (supervisor.role !== 'supervisor' && supervisor.role !== 'admin') {
      throw new InvalidSupervisorError('the supervisor must have the supervisor or admin role');
    }
  }

  private async assertAnotherAdmin(staff: StaffRow): Promise<void> {
    // Locks the practice's active admins so two concurrent demotions cannot both pass this check.
    const admins = await this.txHost.tx.query<{ id: string }[]>(
      `SELECT id FROM staff WHERE practice_id = $1 AND role = 'admin' AND active FOR UPDATE`,
      [staff.practice_id],
    );
    if (!admins.some((admin) => admin.id !== staff.id)) throw new LastAdminError();
  }

  private async createPasswordToken(
    practiceId: string,
    staffId: string,
  ): Promise<{ setPasswordToken: string; setPasswordExpiresAt: string }> {
    const secret = randomBytes(32).toString('base64url');
    const [row] = await this.txHost.tx.query<{ id: string; expires_at: Date }[]>(
      `INSERT INTO password_tokens (practice_id, staff_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(days => $4)) RETURNING id, expires_at`,
      [practiceId, staffId, sha256(secret), SET_PASSWORD_TOKEN_DAYS],
    );
    return {
      setPasswordToken: `${row!.id}.${secret}`,
      setPasswordExpiresAt: row!.expires_at.toISOString(),
    };
  }
}

function versioned(staff: StaffRow): Versioned<StaffView> {
  return { view: toStaffView(staff), etag: etagOf(staff.id, staff.version) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

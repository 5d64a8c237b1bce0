import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
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
import { providedFields } from '../common/validation/transforms';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination/cursor';
import {
  CreateStaffDto,
  CreatedStaffView,
  ListStaffQueryDto,
  StaffView,
  UpdateStaffDto,
} from './dto/staff.dto';
import { InvalidSupervisorError, LastAdminError, StaffNotFoundError } from './staff-errors';
import { Staff } from './staff.entity';

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

  private get repository() {
    return this.txHost.tx.getRepository(Staff);
  }

  async create(actor: StaffActor, dto: CreateStaffDto): Promise<CreatedStaffView> {
    // Hash outside the transaction: argon2 is deliberately slow and holds no lock.
    const passwordHash = dto.password ? await this.hasher.hash(dto.password) : null;
    return this.txHost.withTransaction(async () => {
      if (dto.supervisorId)
        await this.assertSupervisor(actor.practiceId, dto.supervisorId, dto.role);
      const staff = await this.repository.save(
        this.repository.create({
          practiceId: actor.practiceId,
          email: dto.email.trim().toLowerCase(),
          firstName: dto.firstName.trim(),
          lastName: dto.lastName.trim(),
          role: dto.role,
          supervisorId: dto.supervisorId ?? null,
          requiresCosign: dto.requiresCosign ?? false,
          passwordHash,
          passwordChangedAt: passwordHash ? new Date() : null,
        }),
      );
      const created: CreatedStaffView = toView(await this.load(actor.practiceId, staff.id));
      if (!passwordHash)
        Object.assign(created, await this.createPasswordToken(actor.practiceId, staff.id));
      await this.audit.record({
        action: 'create',
        resourceType: 'staff',
        resourceId: staff.id,
        changedFields: providedFields(dto).filter((field) => field !== 'password'),
      });
      return created;
    });
  }

  async list(actor: StaffActor, query: ListStaffQueryDto): Promise<Page<StaffView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.repository
      .createQueryBuilder('s')
      .where('s.practiceId = :practiceId', { practiceId: actor.practiceId })
      .orderBy('s.lastName', 'ASC')
      .addOrderBy('s.firstName', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .take(limit + 1);
    if (query.role) builder.andWhere('s.role = :role', { role: query.role });
    if (query.active !== undefined)
      builder.andWhere('s.active = :active', { active: query.active });
    if (query.cursor) {
      const [lastName, firstName, id] = decodeCursor(query.cursor, 3);
      builder.andWhere('(s.lastName, s.firstName, s.id) > (:lastName, :firstName, :id)', {
        lastName,
        firstName,
        id,
      });
    }
    const rows = await builder.getMany();
    const page = toPage(rows, limit, (row) => [row.lastName, row.firstName, row.id]);
    return { data: page.data.map(toView), nextCursor: page.nextCursor };
  }

  async get(actor: StaffActor, id: string): Promise<Versioned<StaffView>> {
    const staff = await this.load(actor.practiceId, id);
    return { view: toView(staff), etag: etagOf(staff.id, staff.version) };
  }

  @Transactional()
  async update(
    actor: StaffActor,
    id: string,
    dto: UpdateStaffDto,
    ifMatch?: string,
  ): Promise<Versioned<StaffView>> {
    const staff = await this.load(actor.practiceId, id, true);
    const expected = expectedVersion(ifMatch, staff.id, staff.version) ?? staff.version;
    const next = { ...staff, ...definedOnly(dto) };
    if (next.role !== 'counselor' && next.supervisorId) {
      throw new InvalidSupervisorError('only counselors have a supervisor; clear supervisorId');
    }
    if (dto.supervisorId && dto.supervisorId !== staff.supervisorId) {
      await this.assertSupervisor(actor.practiceId, dto.supervisorId, next.role, staff.id);
    }
    if (staff.role === 'admin' && next.role !== 'admin' && staff.active)
      await this.assertAnotherAdmin(staff);
    const changedFields = Object.keys(definedOnly(dto)).filter(
      (field) => dto[field as keyof UpdateStaffDto] !== staff[field as keyof Staff],
    );
    if (changedFields.length === 0)
      return { view: toView(staff), etag: etagOf(staff.id, staff.version) };
    const result = await this.repository.update(
      { practiceId: actor.practiceId, id, version: expected },
      { ...definedOnly(dto), version: expected + 1 },
    );
    if (!result.affected) throw new PreconditionFailedProblem();
    await this.audit.record({
      action: 'update',
      resourceType: 'staff',
      resourceId: id,
      changedFields,
    });
    return this.get(actor, id);
  }

  /** Ends the account: no sign-in, refresh tokens revoked now, access tokens die within minutes. */
  @Transactional()
  async deactivate(actor: StaffActor, id: string): Promise<Versioned<StaffView>> {
    const staff = await this.load(actor.practiceId, id, true);
    if (!staff.active) return { view: toView(staff), etag: etagOf(staff.id, staff.version) };
    if (staff.role === 'admin') await this.assertAnotherAdmin(staff);
    await this.repository.update(
      { practiceId: actor.practiceId, id },
      { active: false, deactivatedAt: () => 'now()', version: staff.version + 1 },
    );
    await this.tokens.revokeAllForStaff(actor.practiceId, id, 'deactivated');
    await this.audit.record({
      action: 'deactivate',
      resourceType: 'staff',
      resourceId: id,
      changedFields: ['active'],
    });
    return this.get(actor, id);
  }

  @Transactional()
  async reactivate(actor: StaffActor, id: string): Promise<Versioned<StaffView>> {
    const staff = await this.load(actor.practiceId, id, true);
    if (staff.active) return { view: toView(staff), etag: etagOf(staff.id, staff.version) };
    await this.repository.update(
      { practiceId: actor.practiceId, id },
      {
        active: true,
        deactivatedAt: null,
        failedLoginCount: 0,
        lockedUntil: null,
        version: staff.version + 1,
      },
    );
    await this.audit.record({
      action: 'reactivate',
      resourceType: 'staff',
      resourceId: id,
      changedFields: ['active'],
    });
    return this.get(actor, id);
  }

  async me(
    actor: StaffActor,
  ): Promise<StaffView & { practice: { id: string; name: string; timeZone: string } }> {
    const staff = await this.load(actor.practiceId, actor.id);
    const [practice] = await this.txHost.tx.query<
      { id: string; name: string; time_zone: string }[]
    >(`SELECT id, name, time_zone FROM practices WHERE id = $1`, [actor.practiceId]);
    return {
      ...toView(staff),
      practice: { id: practice!.id, name: practice!.name, timeZone: practice!.time_zone },
    };
  }

  /** Loads a staff member of the caller's practice; another practice's id is simply not found. */
  private async load(practiceId: string, id: string, forUpdate = false): Promise<Staff> {
    const staff = await this.repository.findOne({
      where: { practiceId, id },
      ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!staff) throw new StaffNotFoundError();
    return staff;
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
    const supervisor = await this.repository.findOne({ where: { practiceId, id: supervisorId } });
    if (!supervisor) throw new InvalidSupervisorError('no such staff member in this practice');
    if (!supervisor.active) throw new InvalidSupervisorError('the supervisor is deactivated');
    if (supervisor.role !== 'supervisor' && supervisor.role !== 'admin') {
      throw new InvalidSupervisorError('the supervisor must have the supervisor or admin role');
    }
  }

  private async assertAnotherAdmin(staff: Staff): Promise<void> {
    // Locks the practice's active admins so two concurrent demotions cannot both pass this check.
    const admins = await this.txHost.tx.query<{ id: string }[]>(
      `SELECT id FROM staff WHERE practice_id = $1 AND role = 'admin' AND active FOR UPDATE`,
      [staff.practiceId],
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

function toView(staff: Staff): StaffView {
  return {
    id: staff.id,
    email: staff.email,
    firstName: staff.firstName,
    lastName: staff.lastName,
    role: staff.role,
    supervisorId: staff.supervisorId,
    requiresCosign: staff.requiresCosign,
    active: staff.active,
    deactivatedAt: staff.deactivatedAt?.toISOString() ?? null,
    locked: staff.lockedUntil !== null && staff.lockedUntil > new Date(),
    createdAt: staff.createdAt.toISOString(),
    updatedAt: staff.updatedAt.toISOString(),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

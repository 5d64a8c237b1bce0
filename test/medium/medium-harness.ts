import type { AuditEventRow } from '../../src/audit/audit-event.row';
import { randomUUID } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CLS_ID, ClsService } from 'nestjs-cls';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../src/common/actor/actor';
import type { RequestContextStore } from '../../src/common/request-context/request-context';
import * as agreements from '../factories/boundary-agreement.factory';
import * as clients from '../factories/client.factory';
import * as sessions from '../factories/session.factory';
import * as staff from '../factories/staff.factory';
import * as goals from '../factories/trust-goal.factory';
import { startTestApp, type TestApp, type TestAppOptions } from '../setup/test-app';

/** What a request would carry besides its actor; the request id is a fresh one unless given. */
export interface RequestOptions {
  requestId?: string;
  ip?: string;
  userAgent?: string;
}

/** One `audit_events` row, as the medium specs assert on it (its occurred-at left out). */
export type StoredAuditEvent = Omit<AuditEventRow, 'occurred_at'> & {
  metadata: Record<string, unknown>;
};

export interface MediumHarness {
  readonly testApp: TestApp;
  readonly dataSource: DataSource;
  readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>;
  /** A provider of the running app (a service, the sealer…). */
  get<T>(type: Type<T>): T;
  /**
   * Runs `call` as `actor` inside the request context a controller call would have: services that
   * record audit events without naming the actor take it, the request id, IP and user agent from
   * there, exactly as behind the auth guard.
   */
  as<T>(actor: Actor, call: () => Promise<T>, request?: RequestOptions): Promise<T>;
  /** The audit events of a practice, oldest first, optionally only those of one resource. */
  auditEvents(practiceId: string, resourceId?: string): Promise<StoredAuditEvent[]>;
  /** Factories bound to this app's database. */
  readonly make: ReturnType<typeof boundFactories>;
}

/**
 * The application's services on this worker's real database, without HTTP: one app per spec file
 * (started in `beforeAll`, closed in `afterAll`). Each test still builds its own practice, so tests
 * never share state. Options may be computed (e.g. a database of its own, made asynchronously).
 */
export function mediumHarness(
  options: TestAppOptions | (() => Promise<TestAppOptions>) = {},
): MediumHarness {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(typeof options === 'function' ? await options() : options);
  });
  afterAll(() => app?.close());

  const running = (): TestApp => {
    if (!app) throw new Error('the medium harness is used outside a test');
    return app;
  };
  let factories: ReturnType<typeof boundFactories> | undefined;

  return {
    get testApp() {
      return running();
    },
    get dataSource() {
      return running().dataSource;
    },
    get txHost() {
      return running().app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    },
    get: (type) => running().app.get(type),
    as: (actor, call, request = {}) => {
      const cls = running().app.get<ClsService<RequestContextStore>>(ClsService);
      return cls.run(() => {
        cls.set(CLS_ID, request.requestId ?? randomUUID());
        cls.set('actor', actor);
        if (request.ip) cls.set('ip', request.ip);
        if (request.userAgent) cls.set('userAgent', request.userAgent);
        return call();
      });
    },
    auditEvents: (practiceId, resourceId) =>
      running().dataSource.query<StoredAuditEvent[]>(
        `SELECT id, actor_type, actor_id, actor_role, action, resource_type, resource_id, client_id, outcome,
                changed_fields, request_id, host(ip) AS ip, user_agent, metadata
           FROM audit_events
          WHERE practice_id = $1 AND ($2::text IS NULL OR resource_id = $2)
          ORDER BY occurred_at, id`,
        [practiceId, resourceId ?? null],
      ),
    get make() {
      return (factories ??= boundFactories(() => running().dataSource));
    },
  };
}

/** Every database factory with its first argument (the data source) already given. */
function boundFactories(dataSource: () => DataSource) {
  const bind =
    <A extends unknown[], R>(factory: (ds: DataSource, ...args: A) => R) =>
    (...args: A): R =>
      factory(dataSource(), ...args);
  return {
    practice: bind(staff.createPractice),
    staff: bind(staff.createStaff),
    team: bind(staff.createTeam),
    client: bind(clients.createClient),
    familyMember: bind(clients.addFamilyMember),
    emergencyAccess: bind(clients.grantEmergencyAccess),
    session: bind(sessions.createSession),
    agreement: bind(agreements.createAgreement),
    boundaryItem: bind(agreements.addBoundaryItem),
    violation: bind(agreements.reportViolation),
    acknowledgment: bind(agreements.acknowledge),
    goal: bind(goals.createGoal),
    checkIn: bind(goals.addCheckIn),
  };
}

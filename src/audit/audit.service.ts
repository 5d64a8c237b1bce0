import { Injectable } from '@nestjs/common';
import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { anonymousActor } from '../common/actor/actor';
import type { ProblemError } from '../common/problem/problem';
import { RequestContext } from '../common/request-context/request-context';
import { AuditEventInput } from './audit-event';
import { queryPrepared } from '../common/sql/prepared';
import { PLATFORM_PRACTICE_ID } from '../practices/platform-practice';
import type { SqlParams } from '../common/sql/sql-params';

/** SQL expressions, over the row a statement makes its event of, for what that statement decides. */
export interface DecidedEventSql {
  action: string;
  outcome: string;
  clientId: string;
  metadata: string;
}

/**
 * Records audit events. Inside a use case's `withTransaction` the insert joins that transaction, so
 * a change and its event commit or roll back together; outside one it is a single INSERT. Either
 * way it is a plain insert: linking events into the tamper-evident chain is the sealer's job.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
  ) {}

  async record(event: AuditEventInput): Promise<void> {
    await this.recordMany([event]);
  }

  /**
   * Records an event that must survive even when the surrounding transaction rolls back: a denied
   * access answered with 404, a failure answered with an error.
   */
  async recordIndependently(event: AuditEventInput): Promise<void> {
    await this.txHost.withTransaction(Propagation.NotSupported, () => this.record(event));
  }

  /**
   * Records an access denial (independently: it survives the rollback the error causes), then
   * throws `notFound`. The caller answers 404 rather than 403 so that a record out of reach is
   * indistinguishable from one that does not exist. Use as `return this.audit.denyAsNotFound(…)`,
   * so the compiler knows the code after it is not reached.
   */
  async denyAsNotFound(
    event: Omit<AuditEventInput, 'action' | 'outcome'>,
    notFound: ProblemError,
  ): Promise<never> {
    await this.recordIndependently({ ...event, action: 'access_denied', outcome: 'denied' });
    throw notFound;
  }

  /**
   * A list showed records of these clients: one `list` event per client (however many of their
   * records the page held), so each client's access log shows the disclosure.
   */
  async recordListed(resourceType: string, clientIds: readonly string[]): Promise<void> {
    await this.recordMany(
      [...new Set(clientIds)].map((clientId) => ({
        action: 'list' as const,
        resourceType,
        clientId,
      })),
    );
  }

  /**
   * One statement for any number of events: they travel as one JSON array, so the statement's text
   * (and its plan) is the same for one event as for a thousand.
   */
  async recordMany(events: AuditEventInput[]): Promise<void> {
    if (events.length === 0) return;
    await queryPrepared(
      this.txHost.tx,
      `INSERT INTO audit_events (practice_id, actor_type, actor_id, actor_role, action, resource_type,
         resource_id, client_id, outcome, changed_fields, request_id, ip, user_agent, metadata)
       SELECT practice_id, actor_type, actor_id, actor_role, action, resource_type,
              resource_id, client_id, outcome, changed_fields, request_id, ip, user_agent, metadata
         FROM jsonb_to_recordset($1::jsonb) AS e (practice_id uuid, actor_type text, actor_id uuid, actor_role text,
              action text, resource_type text, resource_id text, client_id uuid, outcome text, changed_fields text[],
              request_id text, ip inet, user_agent text, metadata jsonb)`,
      [JSON.stringify(events.map((event) => this.values(event)))],
    );
  }

  /**
   * The INSERT of one event made inside a larger statement that decides, in SQL, its action,
   * outcome, client and metadata (a read whose access check and audit event are one statement:
   * `ClientAccessService.readAudited`). Everything else is this request's, as {@link record}
   * fills it in. `from` yields the one row `decided` is evaluated over; use it as a
   * data-modifying CTE, which PostgreSQL runs to completion whatever the main query reads.
   */
  decidedEventSql(
    params: SqlParams,
    event: Pick<AuditEventInput, 'resourceType' | 'resourceId'>,
    decided: DecidedEventSql,
    from: string,
  ): string {
    const e = this.values({ ...event, action: 'read' });
    return `INSERT INTO audit_events (practice_id, actor_type, actor_id, actor_role, action, resource_type,
         resource_id, client_id, outcome, request_id, ip, user_agent, metadata)
       SELECT ${params.add(e.practice_id)}::uuid, ${params.add(e.actor_type)}, ${params.add(e.actor_id)}::uuid,
              ${params.add(e.actor_role)}, ${decided.action}, ${params.add(e.resource_type)}, ${params.add(e.resource_id)},
              ${decided.clientId}, ${decided.outcome}, ${params.add(e.request_id)}, ${params.add(e.ip)}::inet,
              ${params.add(e.user_agent)}, ${decided.metadata}
         FROM ${from}`;
  }

  private values(event: AuditEventInput) {
    const actor = event.actor ?? this.context.actor ?? anonymousActor();
    return {
      // An event of no practice (a failed login for an unknown email) is the platform's.
      practice_id:
        (event.practiceId !== undefined ? event.practiceId : actor.practiceId) ??
        PLATFORM_PRACTICE_ID,
      actor_type: actor.kind,
      actor_id: actor.id,
      actor_role: actor.role,
      action: event.action,
      resource_type: event.resourceType,
      resource_id: event.resourceId ?? null,
      client_id: event.clientId ?? null,
      outcome: event.outcome ?? 'success',
      changed_fields: event.changedFields ?? [],
      request_id: this.context.requestId ?? null,
      ip: this.context.ip ?? null,
      user_agent: this.context.userAgent ?? null,
      metadata: event.clientIds
        ? { ...event.metadata, clientIds: event.clientIds }
        : (event.metadata ?? {}),
    };
  }
}

import { Injectable } from '@nestjs/common';
import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { anonymousActor } from '../auth/actor';
import { RequestContext } from '../common/request-context/request-context';
import { AuditEventInput } from './audit-event';

const COLUMNS = 14;

/**
 * Records audit events. Inside a `@Transactional()` use case the insert joins that transaction, so
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

  async recordMany(events: AuditEventInput[]): Promise<void> {
    if (events.length === 0) return;
    const params: unknown[] = [];
    const rows = events.map((event, index) => {
      params.push(...this.values(event));
      const base = index * COLUMNS;
      return `(${Array.from({ length: COLUMNS }, (_, column) => `$${base + column + 1}`).join(', ')})`;
    });
    await this.txHost.tx.query(
      `INSERT INTO audit_events (practice_id, actor_type, actor_id, actor_role, action, resource_type,
         resource_id, client_id, outcome, changed_fields, request_id, ip, user_agent, metadata)
       VALUES ${rows.join(', ')}`,
      params,
    );
  }

  private values(event: AuditEventInput): unknown[] {
    const actor = event.actor ?? this.context.actor ?? anonymousActor();
    const practiceId = event.practiceId !== undefined ? event.practiceId : actor.practiceId;
    return [
      practiceId,
      actor.kind,
      actor.id,
      actor.role,
      event.action,
      event.resourceType,
      event.resourceId ?? null,
      event.clientId ?? null,
      event.outcome ?? 'success',
      event.changedFields ?? [],
      this.context.requestId ?? null,
      this.context.ip ?? null,
      this.context.userAgent ?? null,
      event.metadata ?? {},
    ];
  }
}

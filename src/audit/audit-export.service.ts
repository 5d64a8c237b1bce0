import { Readable } from 'node:stream';
import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { Caller } from '../common/actor/actor';
import { COMMON_ERRORS } from '../common/problem/common-errors';
import { isDatabaseUnavailable, loggableDatabaseError } from '../common/problem/database-errors';
import { PROBLEM_CONTENT_TYPE, problemType, statusTitle } from '../common/problem/problem';
import { APP_LOGGER } from '../config/config.module';
import {
  AUDIT_EVENT_COLUMNS,
  ExportedAuditEvent,
  toAuditEventView,
  type ExportRow,
} from './audit-event.row';
import { assertRange } from './audit-query.service';
import { AuditSealer } from './audit-sealer';
import { AuditService } from './audit.service';
import { csvRecord, type CsvValue } from './csv';
import { ExportAuditEventsDto, ExportFormat } from './dto/export-audit-events.dto';

const BATCH_SIZE = 1000;

const CSV_COLUMNS: (keyof ExportedAuditEvent)[] = [
  'id',
  'occurredAt',
  'actorType',
  'actorId',
  'actorRole',
  'action',
  'resourceType',
  'resourceId',
  'clientId',
  'outcome',
  'changedFields',
  'requestId',
  'ip',
  'userAgent',
  'metadata',
  'chainSeq',
  'linkHash',
];

/**
 * Streams a time range of the practice's audit log, oldest first, in batches read by keyset: the
 * whole range is never in memory, and no connection is held while the client reads.
 */
@Injectable()
export class AuditExportService {
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    private readonly audit: AuditService,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'audit-export' });
  }

  async export(actor: Caller, query: ExportAuditEventsDto): Promise<StreamableFile> {
    assertRange(query.from, query.to);
    const format: ExportFormat = query.format ?? 'ndjson';
    // Sealed first, so that the exported events carry their place in the chain.
    await this.sealer.seal(actor.practiceId, { wait: true });
    await this.audit.record({
      action: 'export',
      resourceType: 'audit_event',
      actor,
      metadata: { format, from: query.from, to: query.to },
    });

    const events = this.events(actor.practiceId, query.from, query.to);
    const chunks = format === 'csv' ? csvChunks(events) : ndjsonChunks(events);
    return new StreamableFile(Readable.from(chunks, { highWaterMark: 1 }), {
      type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="audit-events.${format}"`,
    })
      .setErrorLogger((error) => this.logFailure(error))
      .setErrorHandler((error, response) => this.abort(error, response as unknown as Response));
  }

  private async *events(
    practiceId: string,
    from: string,
    to: string,
  ): AsyncGenerator<ExportedAuditEvent[]> {
    let after: [string, string] | null = null;
    for (;;) {
      const params: unknown[] = [practiceId, from, to];
      const keyset = after ? `AND (e.occurred_at, e.id) > ($4::timestamptz, $5::uuid)` : '';
      if (after) params.push(...after);
      const rows: ExportRow[] = await this.dataSource.query<ExportRow[]>(
        `SELECT ${AUDIT_EVENT_COLUMNS}, e.metadata, l.seq::text AS chain_seq,
                encode(l.link_hash, 'hex') AS link_hash
           FROM audit_events e
           LEFT JOIN audit_chain_links l ON l.practice_id = e.practice_id AND l.event_id = e.id
          WHERE e.practice_id = $1::uuid
            AND e.occurred_at >= $2::timestamptz AND e.occurred_at < $3::timestamptz ${keyset}
          ORDER BY e.occurred_at, e.id
          LIMIT ${BATCH_SIZE}`,
        params,
      );
      if (rows.length === 0) return;
      yield rows.map((row) => ({
        ...toAuditEventView(row),
        metadata: row.metadata,
        chainSeq: row.chain_seq === null ? null : Number(row.chain_seq),
        linkHash: row.link_hash,
      }));
      const last = rows.at(-1);
      if (!last || rows.length < BATCH_SIZE) return;
      after = [last.occurred_at, last.id];
    }
  }

  private logFailure(error: unknown): void {
    // Codes only: a database message can quote the values involved.
    this.log.error(
      { database: loggableDatabaseError(error), errorType: (error as Error)?.name },
      'audit export failed',
    );
  }

  /**
   * Before the first byte the caller gets a problem; after it the connection is cut, so that a
   * truncated export can never pass for a complete one.
   */
  private abort(error: unknown, response: Response): void {
    this.logFailure(error);
    if (response.destroyed) return;
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const { code, status } = isDatabaseUnavailable(error)
      ? COMMON_ERRORS.serviceUnavailable
      : COMMON_ERRORS.internalError;
    response
      .status(status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: problemType(code),
          title: statusTitle(status),
          status,
          detail: 'The export could not be produced. Please retry shortly.',
          instance: (response.req?.originalUrl ?? '').split('?')[0],
          requestId: response.req?.id as string | undefined,
        }),
      );
  }
}

async function* ndjsonChunks(events: AsyncIterable<ExportedAuditEvent[]>): AsyncGenerator<string> {
  for await (const batch of events) {
    yield batch.map((event) => `${JSON.stringify(event)}\n`).join('');
  }
}

async function* csvChunks(events: AsyncIterable<ExportedAuditEvent[]>): AsyncGenerator<string> {
  // The header goes out at once, which also sends the response headers.
  yield csvRecord(CSV_COLUMNS);
  for await (const batch of events) {
    yield batch
      .map((event) => csvRecord(CSV_COLUMNS.map((column) => csvValue(event, column))))
      .join('');
  }
}

function csvValue(event: ExportedAuditEvent, column: keyof ExportedAuditEvent): CsvValue {
  const value = event[column];
  if (column === 'changedFields') return event.changedFields.join(';');
  if (column === 'metadata') return JSON.stringify(event.metadata);
  return value as CsvValue;
}

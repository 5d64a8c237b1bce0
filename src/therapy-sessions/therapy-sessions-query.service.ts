import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClientAccessService } from '../access/client-access.service';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../common/actor/actor';
import { decodeCursor, toPage, type Page, timestampCursorSql } from '../common/pagination/cursor';
import { ListSessionsQueryDto } from './dto/therapy-session.dto';
import {
  SESSION_COLUMNS,
  toSessionView,
  type TherapySessionRow,
  type TherapySessionView,
} from './therapy-session.row';

/** The calendar: sessions of the clients the caller may reach clinically, in start order. */
@Injectable()
export class TherapySessionsQueryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ClientAccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Caller, query: ListSessionsQueryDto): Promise<Page<TherapySessionView>> {
    const { params, where, limit } = this.access.listQuery(actor, 'readClinical', query.limit);
    if (query.counselorId) {
      const counselor = params.add(query.counselorId);
      where.push(`(s.counselor_id = ${counselor} OR s.co_therapist_id = ${counselor})`);
    }
    if (query.clientId) where.push(`s.client_id = ${params.add(query.clientId)}`);
    if (query.status) where.push(`s.status = ${params.add(query.status)}`);
    if (query.from) where.push(`s.starts_at >= ${params.add(query.from)}::timestamptz`);
    if (query.to) where.push(`s.starts_at < ${params.add(query.to)}::timestamptz`);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      where.push(`(s.starts_at, s.id) > (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const rows = await this.txHost.tx.query<(TherapySessionRow & { cursor_key: string })[]>(
      `SELECT ${SESSION_COLUMNS}, ${timestampCursorSql('s.starts_at')} AS cursor_key
         FROM therapy_sessions s JOIN clients c ON c.practice_id = s.practice_id AND c.id = s.client_id
        WHERE s.practice_id = ${params.add(actor.practiceId)} AND ${where.join(' AND ')}
        ORDER BY s.starts_at, s.id LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = toPage(rows, limit, (row) => [row.cursor_key, row.id]);
    await this.audit.recordListed(
      'therapy_session',
      page.data.map((row) => row.client_id),
    );
    return { data: page.data.map(toSessionView), nextCursor: page.nextCursor };
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { LISTED_CLIENT } from '../access/listed-client';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { formatClientNumber } from '../clients/client.row';
import { ConflictProblem, NotFoundProblem } from '../common/problem/problem';
import { providedFields } from '../common/validation/transforms';
import { CALENDAR_FEED_ERRORS } from './calendar-feed-errors';
import {
  CalendarFeedView,
  CreateCalendarFeedDto,
  CreatedCalendarFeedView,
} from './calendar-feed.dto';
import { buildCalendar, initialOf, type FeedSession } from './calendar-ics';
import type { FeedRow, OwnerRow, SessionRow } from './calendar-feed.row';

/** Active feeds one clinician may hold: a device or two each, not an unbounded supply of secrets. */
export const MAX_ACTIVE_FEEDS = 20;
// 32 random bytes in base64url, unpadded.
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export class CalendarFeedNotFoundError extends NotFoundProblem {
  constructor() {
    super('The calendar feed');
  }
}

/**
 * Secret, revocable ICS feeds of a clinician's own sessions for their calendar app. The token is
 * shown once and kept only as its SHA-256; the feed carries client numbers and initials, never
 * names, notes or telehealth links.
 */
@Injectable()
export class CalendarFeedsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  create(actor: StaffActor, dto: CreateCalendarFeedDto): Promise<CreatedCalendarFeedView> {
    return this.txHost.withTransaction(async () => {
      const [active] = await this.txHost.tx.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM calendar_feeds WHERE practice_id = $1 AND staff_id = $2 AND revoked_at IS NULL`,
        [actor.practiceId, actor.id],
      );
      if ((active?.n ?? 0) >= MAX_ACTIVE_FEEDS) {
        throw new ConflictProblem(
          CALENDAR_FEED_ERRORS.tooManyFeeds,
          `You already have ${MAX_ACTIVE_FEEDS} active calendar feeds; revoke one you no longer use first.`,
        );
      }
      const token = randomBytes(32).toString('base64url');
      const [row] = await this.txHost.tx.query<FeedRow[]>(
        `INSERT INTO calendar_feeds (practice_id, staff_id, label, token_hash) VALUES ($1, $2, $3, $4)
         RETURNING id, label, created_at, last_fetched_at`,
        [actor.practiceId, actor.id, dto.label?.trim() ?? null, hashToken(token)],
      );
      await this.audit.record({
        action: 'create',
        resourceType: 'calendar_feed',
        resourceId: row!.id,
        changedFields: providedFields(dto),
      });
      return {
        id: row!.id,
        label: row!.label,
        url: `/api/v1/calendar-feeds/${token}.ics`,
        createdAt: row!.created_at.toISOString(),
      };
    });
  }

  async list(actor: StaffActor): Promise<CalendarFeedView[]> {
    const rows = await this.txHost.tx.query<FeedRow[]>(
      `SELECT id, label, created_at, last_fetched_at FROM calendar_feeds
        WHERE practice_id = $1 AND staff_id = $2 AND revoked_at IS NULL
        ORDER BY created_at DESC, id DESC`,
      [actor.practiceId, actor.id],
    );
    return rows.map(toView);
  }

  revoke(actor: StaffActor, feedId: string): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const revoked = await this.txHost.tx.query<[{ id: string }[], number]>(
        `UPDATE calendar_feeds SET revoked_at = now()
          WHERE practice_id = $1 AND staff_id = $2 AND id = $3 AND revoked_at IS NULL RETURNING id`,
        [actor.practiceId, actor.id, feedId],
      );
      if (revoked[0].length === 0) {
        return this.audit.denyAsNotFound(
          { resourceType: 'calendar_feed', resourceId: feedId },
          new CalendarFeedNotFoundError(),
        );
      }
      await this.audit.record({
        action: 'update',
        resourceType: 'calendar_feed',
        resourceId: feedId,
        changedFields: ['revokedAt'],
      });
    });
  }

  /**
   * The feed behind a token, as iCalendar text: the owner's sessions (as counselor or co-therapist)
   * from 30 days ago to 180 days ahead. Unknown, revoked, or whose owner is no longer an active
   * clinician: 404. Each fetch is audited as an export by the feed's owner.
   */
  async exportFeed(token: string): Promise<string> {
    if (!TOKEN_FORMAT.test(token)) throw new CalendarFeedNotFoundError();
    return this.txHost.withTransaction(async () => {
      // The route is public: the token check also tells whose feed it is and in which role.
      const [[owner]] = await this.txHost.tx.query<[OwnerRow[], number]>(
        `UPDATE calendar_feeds f SET last_fetched_at = now()
           FROM staff s
          WHERE f.token_hash = $1 AND f.revoked_at IS NULL
            AND s.practice_id = f.practice_id AND s.id = f.staff_id
            AND s.active AND s.role IN ('counselor', 'supervisor')
          RETURNING f.id, f.practice_id, f.staff_id, s.role`,
        [hashToken(token)],
      );
      if (!owner) throw new CalendarFeedNotFoundError();
      // Initials are cut in SQL, so full names never reach this process on this route. A session
      // of a case gets none: its attendees share a surname (often the case's label), so even the
      // booking client's initials would name the family.
      const rows = await this.txHost.tx.query<SessionRow[]>(
        `SELECT t.id, t.client_id, t.starts_at, t.ends_at, t.updated_at, t.version, t.modality, t.setting, t.location,
                t.status, c.client_number,
                CASE WHEN t.case_id IS NULL THEN left(btrim(c.first_name), 1) END AS first_initial,
                CASE WHEN t.case_id IS NULL THEN left(btrim(c.last_name), 1) END AS last_initial
           FROM therapy_sessions t
           JOIN clients c ON c.practice_id = t.practice_id AND c.id = t.client_id
          WHERE t.practice_id = $1 AND (t.counselor_id = $2 OR t.co_therapist_id = $2)
            AND t.ends_at > now() - interval '30 days' AND t.starts_at < now() + interval '180 days'
            AND ${LISTED_CLIENT}
          ORDER BY t.starts_at, t.id`,
        [owner.practice_id, owner.staff_id],
      );
      // The feed shows each client's sessions: one export event per client, like any other disclosure.
      const actor = {
        kind: 'staff' as const,
        id: owner.staff_id,
        practiceId: owner.practice_id,
        role: owner.role,
      };
      const clients = [...new Set(rows.map((row) => row.client_id))];
      await this.audit.recordMany([
        {
          action: 'export',
          resourceType: 'calendar_feed',
          resourceId: owner.id,
          actor,
          metadata: { sessions: rows.length },
        },
        ...clients.map((clientId) => ({
          action: 'export' as const,
          resourceType: 'calendar_feed',
          resourceId: owner.id,
          clientId,
          actor,
        })),
      ]);
      return buildCalendar(rows.map(toFeedSession));
    });
  }
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function toView(row: FeedRow): CalendarFeedView {
  return {
    id: row.id,
    label: row.label,
    createdAt: row.created_at.toISOString(),
    lastFetchedAt: row.last_fetched_at?.toISOString() ?? null,
  };
}

function toFeedSession(row: SessionRow): FeedSession {
  return {
    id: row.id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    updatedAt: row.updated_at,
    version: row.version,
    modality: row.modality,
    setting: row.setting,
    location: row.location,
    status: row.status,
    clientNumber: formatClientNumber(row.client_number),
    initials: [initialOf(row.first_initial), initialOf(row.last_initial)],
  };
}

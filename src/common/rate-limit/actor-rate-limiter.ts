import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_LOGGER } from '../../config/config.module';
import { loggableDatabaseError } from '../problem/database-errors';
import { RateLimitedProblem } from './rate-limiter';

const WINDOW_SECONDS = 60;
/** How often each replica adds its counts to PostgreSQL and reads back the shared totals. */
const FLUSH_INTERVAL_MS = 1000;
/** A burst flushes early, so that one replica cannot run far past the limit between ticks. */
const FLUSH_AFTER_HITS = 100;

/**
 * Leads the reconciliation statement, so that tests pinning the statements of a use case can tell
 * this background batch (which may fall inside any request) from the use case's own.
 */
export const ACTOR_RATE_LIMIT_SQL_TAG = '/* actor-rate-limit */';

interface ActorCount {
  /** Start of the window, in epoch seconds; windows are aligned so replicas agree without talking. */
  window: number;
  /** The shared total (all replicas) read back at the last flush, this replica's flushed hits included. */
  shared: number;
  /** Hits counted here and not yet added to PostgreSQL. */
  pending: number;
  /** Hits being added by the flush in progress. */
  sending: number;
}

/**
 * A fixed one-minute budget per signed-in actor, shared by every replica without a database round
 * trip per request: each replica counts in memory and, every second (sooner after
 * {@link FLUSH_AFTER_HITS} hits or an actor's first request of the minute), adds its counts to
 * the actor's row in `rate_limit_buckets` and reads back the totals of the actors it has seen, in
 * one statement. Between flushes a replica knows only its own new hits, so across N replicas an
 * actor may exceed the limit by up to about a second of traffic: approximate by design.
 *
 * Answers carry the `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
 * `RateLimit-Policy` fields of draft-ietf-httpapi-ratelimit-headers-06, the last draft with
 * separate fields (drafts 07 and later merge them into one structured `RateLimit` field that
 * clients and proxies have yet to adopt).
 */
@Injectable()
export class ActorRateLimiter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly counts = new Map<string, ActorCount>();
  private readonly limit: number;
  private readonly log: Logger;
  private unflushed = 0;
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.limit = config.actorRateLimitPerMinute;
    this.log = logger.child({ component: 'actor-rate-limiter' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Counts the last hits, so that a rolling restart does not hand out a fresh budget. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * Counts one request by `actorId` and sets the RateLimit fields on `response`; throws a 429
   * (with Retry-After) once the actor's budget for this minute is spent. Refused requests are not
   * counted, so a client that backs off gets its next window whole.
   */
  hit(actorId: string, response: Response): void {
    const nowSeconds = Date.now() / 1000;
    const window = Math.floor(nowSeconds / WINDOW_SECONDS) * WINDOW_SECONDS;
    const reset = Math.max(1, Math.ceil(window + WINDOW_SECONDS - nowSeconds));
    let count = this.counts.get(actorId);
    const firstSeen = !count || count.window !== window;
    if (!count || firstSeen) {
      count = { window, shared: 0, pending: 0, sending: 0 };
      this.counts.set(actorId, count);
    }
    const used = count.shared + count.sending + count.pending;
    response.setHeader('RateLimit-Limit', String(this.limit));
    response.setHeader('RateLimit-Policy', `${this.limit};w=${WINDOW_SECONDS}`);
    response.setHeader('RateLimit-Reset', String(reset));
    if (used >= this.limit) {
      response.setHeader('RateLimit-Remaining', '0');
      throw new RateLimitedProblem(reset, 'Too many requests. Please wait before trying again.');
    }
    count.pending += 1;
    response.setHeader('RateLimit-Remaining', String(this.limit - used - 1));
    this.unflushed += 1;
    // An actor new to this replica this minute may have spent its budget elsewhere: ask at once.
    if (firstSeen || this.unflushed >= FLUSH_AFTER_HITS) void this.flush();
  }

  /** Adds the pending counts to PostgreSQL and reads back the totals; one flush at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.flushPending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushPending(): Promise<void> {
    const current = Math.floor(Date.now() / 1000 / WINDOW_SECONDS) * WINDOW_SECONDS;
    const batch: { actorId: string; count: ActorCount }[] = [];
    // Actors with nothing new here, whose total other replicas may still be raising.
    const watched: string[] = [];
    for (const [actorId, count] of this.counts) {
      if (count.pending > 0) batch.push({ actorId, count });
      else if (count.window < current) this.counts.delete(actorId);
      else if (count.shared < this.limit) watched.push(actorId);
    }
    this.unflushed = 0;
    if (batch.length === 0 && watched.length === 0) return;
    for (const { count } of batch) {
      count.sending = count.pending;
      count.pending = 0;
    }
    try {
      const rows = await this.dataSource.query<
        { actor_id: string; window_seconds: number; hits: number }[]
      >(
        `${ACTOR_RATE_LIMIT_SQL_TAG}
         WITH added AS (
           INSERT INTO rate_limit_buckets AS b (key, window_start, hits)
           SELECT 'actor:' || k, to_timestamp(w), h
             FROM unnest($1::text[], $2::bigint[], $3::int[]) AS counted(k, w, h)
           ON CONFLICT (key) DO UPDATE SET
             hits = CASE WHEN b.window_start = EXCLUDED.window_start THEN b.hits + EXCLUDED.hits
                         WHEN b.window_start < EXCLUDED.window_start THEN EXCLUDED.hits
                         ELSE b.hits END,
             window_start = greatest(b.window_start, EXCLUDED.window_start)
           RETURNING key, window_start, hits)
         SELECT substr(key, 7) AS actor_id,
                extract(epoch FROM window_start)::float8 AS window_seconds, hits
           FROM added
         UNION ALL
         SELECT substr(key, 7), extract(epoch FROM window_start)::float8, hits
           FROM rate_limit_buckets WHERE key = ANY($4::text[])`,
        [
          batch.map((entry) => entry.actorId),
          batch.map((entry) => entry.count.window),
          batch.map((entry) => entry.count.sending),
          watched.map((actorId) => `actor:${actorId}`),
        ],
      );
      for (const { count } of batch) count.sending = 0;
      for (const row of rows) {
        const count = this.counts.get(row.actor_id);
        if (count && count.window === row.window_seconds) count.shared = row.hits;
      }
    } catch (error) {
      // Counted again at the next flush; meanwhile this replica still enforces what it knows.
      for (const { count } of batch) {
        count.pending += count.sending;
        count.sending = 0;
      }
      this.log.warn(
        { database: loggableDatabaseError(error), errorType: (error as Error)?.name },
        'actor rate-limit counts not flushed',
      );
    }
  }
}

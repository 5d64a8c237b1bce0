import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { COMMON_ERRORS } from '../problem/common-errors';
import { ProblemError } from '../problem/problem';

export class RateLimitedProblem extends ProblemError {
  constructor(
    retryAfterSeconds: number,
    detail = 'Too many attempts. Please wait before trying again.',
  ) {
    super({
      problem: COMMON_ERRORS.rateLimited,
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/**
 * Fixed-window counters kept in PostgreSQL, so that every API replica enforces the same limit.
 * One statement per hit: the row is created, counted or restarted atomically.
 */
@Injectable()
export class RateLimiter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts one hit on `key`; throws 429 (with Retry-After) once `limit` hits are exceeded. */
  async hit(key: string, limit: number, windowSeconds: number): Promise<void> {
    const [row] = await this.dataSource.query<{ hits: number; retry_after: number }[]>(
      `INSERT INTO rate_limit_buckets AS b (key, window_start, hits) VALUES ($1, now(), 1)
       ON CONFLICT (key) DO UPDATE SET
         window_start = CASE WHEN b.window_start <= now() - make_interval(secs => $2) THEN now() ELSE b.window_start END,
         hits = CASE WHEN b.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE b.hits + 1 END
       RETURNING hits,
         greatest(1, ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now())))::int AS retry_after`,
      [key, windowSeconds],
    );
    if (row && row.hits > limit) throw new RateLimitedProblem(row.retry_after);
  }
}

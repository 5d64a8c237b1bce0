import type { AppConfig } from '../config/app-config';

/** One kind of row that outlives its use, and the condition that says it has. */
export interface Purge {
  /** Key of the run's count in the audit event's metadata. */
  name: string;
  table: string;
  /** SQL condition on the table's row (alias `t`) that makes it purgeable. */
  expired: string;
  /**
   * False for append-only tables the API may not UPDATE: `FOR UPDATE SKIP LOCKED` needs that
   * privilege, and nothing else ever locks their rows.
   */
  lockRows?: boolean;
  /** A data-modifying SQL statement run with each batch over the deleted rows (the CTE `gone`). */
  remember?: string;
}

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Why each rule keeps what it keeps:
 *
 * - Rate-limit buckets: a bucket whose window has passed is restarted by its next hit anyway, so
 *   deleting it changes nothing; a day (or the longest configured window) leaves every live window.
 * - Idempotency keys are remembered for 24 hours: a retry after that is a new request.
 * - Refresh tokens: a used or revoked token is kept until it expires, because presenting a spent
 *   token is how reuse is detected and its whole family revoked; once expired it is refused as
 *   expired before reuse is even looked at. One more day of grace.
 * - Password-set tokens: refused once used or expired; kept a day past expiry.
 * - Webhook deliveries: a delivered one is kept `WEBHOOK_DELIVERED_RETENTION_DAYS` (30) after it
 *   completed, a failed one `WEBHOOK_FAILED_RETENTION_DAYS` (90), since failures are what an admin
 *   investigates and replays. Pending and retrying ones are never purged. An event goes once it is
 *   as old as the delivered retention and no delivery of it is left (a replay needs its event).
 * - Change-log entries go after `CHANGE_FEED_RETENTION_DAYS` (90). Each batch remembers, per
 *   practice, the last position it deleted in `change_log_purges`: the feed answers 410 to a cursor
 *   behind it (it may have missed a purged change), so a lagging integrator resyncs, never skips.
 * - Intake invitations never used (expired or revoked) go 30 days after they ended, so staff still
 *   see recent ones in the list. A used invitation stays whole: its submission references it
 *   (`fk_intake_submissions_invitation`) and it is part of that submission's record; its token can
 *   no longer be redeemed, so keeping the hash costs nothing.
 */
export function purges(config: AppConfig): Purge[] {
  const { deliveredRetentionDays, failedRetentionDays } = config.webhooks;
  const bucketSeconds = Math.max(
    DAY_SECONDS,
    config.auth.rateWindowSeconds,
    config.intake.rateWindowSeconds,
  );
  return [
    {
      name: 'rateLimitBuckets',
      table: 'rate_limit_buckets',
      expired: `t.window_start < now() - make_interval(secs => ${bucketSeconds})`,
    },
    {
      name: 'idempotencyKeys',
      table: 'idempotency_keys',
      expired: `t.created_at < now() - interval '24 hours'`,
    },
    {
      name: 'refreshTokens',
      table: 'refresh_tokens',
      expired: `t.expires_at < now() - interval '1 day'`,
    },
    {
      name: 'passwordTokens',
      table: 'password_tokens',
      expired: `t.expires_at < now() - interval '1 day'`,
    },
    {
      name: 'intakeInvitations',
      table: 'intake_invitations',
      expired: `t.submission_id IS NULL
        AND least(t.expires_at, t.revoked_at) < now() - interval '30 days'
        AND NOT EXISTS (SELECT 1 FROM intake_submissions s
                         WHERE s.practice_id = t.practice_id AND s.invitation_id = t.id)`,
    },
    // Deliveries before events: an event goes only once none of its deliveries is left.
    {
      name: 'webhookDeliveries',
      table: 'webhook_deliveries',
      expired: `t.status IN ('succeeded', 'failed')
        AND t.completed_at < now() - make_interval(days => CASE t.status
              WHEN 'succeeded' THEN ${deliveredRetentionDays} ELSE ${failedRetentionDays} END)`,
    },
    {
      name: 'webhookEvents',
      table: 'webhook_events',
      lockRows: false,
      expired: `t.created_at < now() - make_interval(days => ${deliveredRetentionDays})
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                         WHERE d.practice_id = t.practice_id AND d.event_id = t.id)`,
    },
    {
      name: 'changeLog',
      table: 'change_log',
      lockRows: false,
      expired: `t.changed_at < now() - make_interval(days => ${config.changeFeedRetentionDays})`,
      remember: `INSERT INTO change_log_purges (practice_id, through_tx_id, through_id)
        SELECT DISTINCT ON (g.practice_id) g.practice_id, g.tx_id, g.id FROM gone g
         ORDER BY g.practice_id, g.tx_id DESC, g.id DESC`,
    },
  ];
}

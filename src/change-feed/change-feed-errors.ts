import { ProblemError, type ProblemCodes } from '../common/problem/problem';

export const CHANGE_FEED_ERRORS = {
  cursorExpired: {
    code: 'change-feed-cursor-expired',
    status: 410,
    description:
      'The cursor is older than the change feed keeps (`CHANGE_FEED_RETENTION_DAYS`): changes after it may have been purged. Resync: read the lists again, then follow the feed from a fresh start.',
  },
} as const satisfies ProblemCodes;

/** The feed was purged past the cursor: continuing from it could skip changes, so it is refused. */
export class ChangeFeedCursorExpiredError extends ProblemError {
  constructor(retentionDays: number) {
    super({
      problem: CHANGE_FEED_ERRORS.cursorExpired,
      detail: `This cursor is behind the ${retentionDays} days the change feed keeps, and changes after it were purged. Resync: read the lists again, then start the feed without a cursor.`,
      extensions: { retentionDays },
    });
  }
}

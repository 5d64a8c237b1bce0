import type { ProblemCodes } from '../common/problem/problem';

export const CALENDAR_FEED_ERRORS = {
  tooManyFeeds: {
    code: 'too-many-calendar-feeds',
    status: 409,
    description:
      'The clinician already has the most active calendar feeds allowed; revoke one first.',
  },
} as const satisfies ProblemCodes;

import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

// A full date-time with an explicit offset: a bare date or local time would be read in the
// database session's time zone, which is nobody's in particular.
const DATE_TIME_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with an offset (`2026-01-31T09:00:00Z`, `…+01:00`). */
export function IsTimestamp(): PropertyDecorator {
  return applyDecorators(
    IsISO8601({ strict: true }),
    Matches(DATE_TIME_WITH_OFFSET, {
      message: 'must be an ISO 8601 date-time with an offset, such as 2026-01-31T09:00:00Z',
    }),
  );
}

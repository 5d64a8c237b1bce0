import type { Caller } from '../common/actor/actor';
import { UnprocessableProblem } from '../common/problem/problem';
import type { ScheduleSessionDto } from './dto/therapy-session.dto';
import { SESSION_ERRORS } from './session-errors';

/**
 * What practice software may book (`sessions:write`): a session on a client's chart, for a counselor
 * it names — one of its caseload's when it has a caseload, so that a key scoped to some counselors
 * never fills another's calendar. Sessions of a family case are booked by staff. Staff pass as is.
 */
export function assertApiClientBooking(actor: Caller, dto: ScheduleSessionDto): void {
  if (actor.kind !== 'api_client') return;
  if (dto.caseId) {
    throw new UnprocessableProblem(
      SESSION_ERRORS.caseSessionStaffOnly,
      'A session of a family case is booked by staff.',
      [{ field: 'caseId', message: 'must be left out when booking with an API key' }],
    );
  }
  const caseload = actor.caseloadStaffIds;
  if (caseload && dto.counselorId && !caseload.includes(dto.counselorId)) {
    throw new UnprocessableProblem(
      SESSION_ERRORS.counselorOutsideCaseload,
      'This API client books sessions for the counselors of its caseload only.',
      [{ field: 'counselorId', message: 'must be a counselor of the API client’s caseload' }],
    );
  }
}

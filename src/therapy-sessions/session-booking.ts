import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Caller } from '../common/actor/actor';
import { UnprocessableProblem } from '../common/problem/problem';
import { CareTeamService } from '../clients/care-team.service';
import type { ScheduleSessionDto } from './dto/therapy-session.dto';
import {
  isOverlapViolation,
  SESSION_ERRORS,
  SessionOverlapError,
  SessionTimesError,
} from './session-errors';

const MAX_DURATION_MS = 12 * 60 * 60 * 1000;

/**
 * What booking a session's time takes, for one session and for a series alike: who is booked,
 * times that make a session, and the 409 naming the session in the way when someone was faster.
 */
@Injectable()
export class SessionBooking {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly careTeam: CareTeamService,
  ) {}

  /** The counselor (the caller, when a clinician schedules without naming one) and co-therapist. */
  async bookedStaff(actor: Caller, dto: ScheduleSessionDto): Promise<string[]> {
    const clinician = actor.role === 'counselor' || actor.role === 'supervisor';
    const counselorId = dto.counselorId ?? (clinician ? actor.id : undefined);
    if (!counselorId) {
      throw new UnprocessableProblem(
        SESSION_ERRORS.counselorRequired,
        'Name the session’s counselor.',
        [{ field: 'counselorId', message: 'is required' }],
      );
    }
    await this.careTeam.assertClinician(actor.practiceId, counselorId, 'counselorId');
    if (dto.coTherapistId) {
      if (dto.coTherapistId === counselorId) {
        throw new UnprocessableProblem(
          SESSION_ERRORS.coTherapistIsCounselor,
          'The co-therapist must be someone else.',
          [{ field: 'coTherapistId', message: 'must differ from the counselor' }],
        );
      }
      await this.careTeam.assertClinician(actor.practiceId, dto.coTherapistId, 'coTherapistId');
    }
    return dto.coTherapistId ? [counselorId, dto.coTherapistId] : [counselorId];
  }

  /**
   * Runs a booking; when the exclusion constraint refuses it (someone was faster), answers 409
   * naming the session in the way — looked up after the failed transaction has rolled back.
   */
  async withOverlapAnswer<T>(
    practiceId: string,
    staff: string[],
    startsAt: string,
    endsAt: string,
    book: () => Promise<T>,
  ): Promise<T> {
    try {
      return await book();
    } catch (error) {
      if (!isOverlapViolation(error)) throw error;
      throw new SessionOverlapError(
        await this.conflictingSession(practiceId, staff, startsAt, endsAt),
      );
    }
  }

  async conflictingSession(
    practiceId: string,
    staff: string[],
    startsAt: string,
    endsAt: string,
  ): Promise<string | null> {
    const [row] = await this.txHost.tx.query<{ session_id: string }[]>(
      `SELECT session_id FROM session_staff_bookings
        WHERE practice_id = $1 AND staff_id = ANY($2) AND time_range && tstzrange($3, $4, '[)')
        ORDER BY lower(time_range) LIMIT 1`,
      [practiceId, staff, startsAt, endsAt],
    );
    return row?.session_id ?? null;
  }
}

export function assertTimes(startsAt: string, endsAt: string): void {
  const duration = Date.parse(endsAt) - Date.parse(startsAt);
  if (!(duration > 0)) throw new SessionTimesError('must be after startsAt');
  if (duration > MAX_DURATION_MS) throw new SessionTimesError('a session lasts at most 12 hours');
}

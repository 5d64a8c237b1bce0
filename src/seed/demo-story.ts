import type { DemoCaller } from './demo-api';
import type { DemoCalendar } from './demo-calendar';

/** The demo logins, signed in, and the calendar the stories are dated by. */
export interface DemoCast {
  admin: DemoCaller;
  supervisor: DemoCaller;
  counselor: DemoCaller;
  trainee: DemoCaller;
  intake: DemoCaller;
}

export interface StoryContext {
  cast: DemoCast;
  cal: DemoCalendar;
}

export interface Party {
  party: 'client' | 'family_member';
  familyMemberId?: string;
}

export const CLIENT: Party = { party: 'client' };
export const member = (familyMemberId: string): Party => ({
  party: 'family_member',
  familyMemberId,
});

interface NewClient {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  pronouns: string;
  presentingConcerns: string[];
  trustIndicators: string[];
  substanceUseRecords?: boolean;
  family: Record<string, unknown>[];
  coTherapist?: DemoCaller;
}

/**
 * A client created by their primary counselor, with their family and (optionally) a co-therapist,
 * then taken from intake to active. Returns the client's id and the family members' ids in order.
 */
export async function newClient(
  primary: DemoCaller,
  { family, coTherapist, ...client }: NewClient,
): Promise<{ id: string; family: string[] }> {
  const { id } = await primary.post<{ id: string }>('/clients', client);
  const members: string[] = [];
  for (const person of family) {
    const created = await primary.post<{ id: string }>(`/clients/${id}/family-members`, person);
    members.push(created.id);
  }
  if (coTherapist) {
    await primary.post(`/clients/${id}/care-team`, {
      staffId: coTherapist.id,
      role: 'co_therapist',
    });
  }
  await primary.post(`/clients/${id}/status`, { status: 'active' });
  return { id, family: members };
}

interface NewSession {
  clientId: string;
  /** The case the session belongs to: its attendees are then recorded as persons of the case. */
  caseId?: string;
  counselor: DemoCaller;
  coTherapist?: DemoCaller;
  startsAt: string;
  minutes?: number;
  modality: 'individual' | 'couple' | 'family';
  setting: 'in_person' | 'telehealth';
}

/** Schedules a session as its counselor; in person in Room 2, or on the practice's video link. */
export async function schedule(cal: DemoCalendar, session: NewSession): Promise<string> {
  const { id } = await session.counselor.post<{ id: string }>('/therapy-sessions', {
    clientId: session.clientId,
    caseId: session.caseId,
    counselorId: session.counselor.id,
    coTherapistId: session.coTherapist?.id,
    startsAt: session.startsAt,
    endsAt: cal.after(session.startsAt, session.minutes ?? 50),
    modality: session.modality,
    setting: session.setting,
    ...(session.setting === 'telehealth'
      ? { telehealthUrl: 'https://video.riverside.example/room/2' }
      : { location: 'Room 2' }),
  });
  return id;
}

/** Who of a case's persons was at a session (`invited`, `attended`, `absent` or `late`). */
export type CaseAttendance = Record<string, 'invited' | 'attended' | 'absent' | 'late'>;

/**
 * A session that took place: scheduled in the past, then completed with who came — for a session
 * of a case, also each person of the case by their person id.
 */
export async function held(
  cal: DemoCalendar,
  session: NewSession,
  attendees: Party[],
  caseAttendance?: CaseAttendance,
): Promise<string> {
  const id = await schedule(cal, session);
  await session.counselor.post(`/therapy-sessions/${id}/complete`, {
    attendees,
    caseAttendees: caseAttendance
      ? Object.entries(caseAttendance).map(([personId, attendance]) => ({ personId, attendance }))
      : undefined,
  });
  return id;
}

export interface CheckIn {
  occurredAt: string;
  ratings: [Party, number][];
  kept?: number;
  missed?: number;
  note?: string;
}

/** A goal between two parties, active from `startDate`, with its check-ins in date order. */
export async function goalWithCheckIns(
  author: DemoCaller,
  clientId: string,
  goal: Record<string, unknown>,
  checkIns: CheckIn[],
  commitment?: { owner: Party; description: string; cadence: string },
): Promise<string> {
  const { id } = await author.post<{ id: string }>(`/clients/${clientId}/trust-goals`, {
    lifecycleStatus: 'active',
    ...goal,
  });
  if (commitment) {
    await author.post(`/clients/${clientId}/trust-goals/${id}/commitments`, commitment);
  }
  for (const checkIn of checkIns) {
    await author.post(`/clients/${clientId}/trust-goals/${id}/check-ins`, {
      occurredAt: checkIn.occurredAt,
      ratings: checkIn.ratings.map(([party, rating]) => ({ ...party, rating })),
      commitmentsKept: checkIn.kept,
      commitmentsMissed: checkIn.missed,
      note: checkIn.note,
    });
  }
  return id;
}

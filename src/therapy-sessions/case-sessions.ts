import type { EntityManager } from 'typeorm';
import { UnprocessableProblem } from '../common/problem/problem';
import type { CompleteSessionDto } from './dto/therapy-session.dto';
import { SESSION_ERRORS } from './session-errors';
import type { TherapySessionRow } from './therapy-session.row';

/** A session booked in a case is for one of the case's clients: refused (422) otherwise. */
export async function assertClientInCase(
  tx: EntityManager,
  practiceId: string,
  caseId: string,
  clientId: string,
): Promise<void> {
  const [row] = await tx.query<unknown[]>(
    `SELECT 1 FROM case_members m JOIN clients c ON c.practice_id = m.practice_id AND c.person_id = m.person_id
      WHERE m.practice_id = $1 AND m.case_id = $2 AND c.id = $3`,
    [practiceId, caseId, clientId],
  );
  if (!row) {
    throw new UnprocessableProblem(
      SESSION_ERRORS.notInCase,
      'The client is not a member of this case.',
      [{ field: 'clientId', message: 'is not a member of the case' }],
    );
  }
}

/**
 * Records who of the case came (persons of the case only, 422 naming each other one) and the other
 * attendees by name and role.
 */
export async function recordCaseAttendance(
  tx: EntityManager,
  session: TherapySessionRow,
  dto: CompleteSessionDto,
): Promise<void> {
  const people = dto.caseAttendees ?? [];
  if (people.length > 0) {
    if (!session.case_id) {
      throw new UnprocessableProblem(SESSION_ERRORS.notInCase, 'This session belongs to no case.', [
        { field: 'caseAttendees', message: 'only for a session of a case' },
      ]);
    }
    const members = await tx.query<{ person_id: string }[]>(
      `SELECT person_id FROM case_members WHERE practice_id = $1 AND case_id = $2 AND person_id = ANY($3::uuid[])`,
      [session.practice_id, session.case_id, people.map((person) => person.personId)],
    );
    const known = new Set(members.map((member) => member.person_id));
    const strangers = people
      .map((person, index) => ({ person, index }))
      .filter(({ person }) => !known.has(person.personId));
    if (strangers.length > 0) {
      throw new UnprocessableProblem(
        SESSION_ERRORS.notInCase,
        'Every case attendee is a person of the session’s case.',
        strangers.map(({ index }) => ({
          field: `caseAttendees[${index}].personId`,
          message: 'is not a member of the case',
        })),
      );
    }
    await tx.query(
      `INSERT INTO session_case_attendees (practice_id, session_id, person_id, attendance)
       SELECT $1, $2, p.person_id, p.attendance
         FROM jsonb_to_recordset($3::jsonb) AS p(person_id uuid, attendance text)
       ON CONFLICT (practice_id, session_id, person_id) DO UPDATE SET attendance = EXCLUDED.attendance`,
      [
        session.practice_id,
        session.id,
        JSON.stringify(people.map((p) => ({ person_id: p.personId, attendance: p.attendance }))),
      ],
    );
  }
  const others = dto.otherAttendees ?? [];
  if (others.length > 0) {
    await tx.query(
      `INSERT INTO session_other_attendees (practice_id, session_id, name, role, attendance)
       SELECT $1, $2, o.name, o.role, o.attendance
         FROM jsonb_to_recordset($3::jsonb) AS o(name text, role text, attendance text)`,
      [
        session.practice_id,
        session.id,
        JSON.stringify(
          others.map((o) => ({ name: o.name.trim(), role: o.role, attendance: o.attendance })),
        ),
      ],
    );
  }
}

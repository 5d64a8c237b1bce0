import type { EntityManager } from 'typeorm';
import { UnprocessableProblem } from '../common/problem/problem';
import type { ChangeSeriesAttendeesDto } from './dto/series-change.dto';
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
    // What is recorded replaces who was planned (a series' invited interpreter); the DELETE's
    // snapshot cannot see the rows this statement inserts.
    await tx.query(
      `WITH planned AS (DELETE FROM session_other_attendees WHERE practice_id = $1 AND session_id = $2)
       INSERT INTO session_other_attendees (practice_id, session_id, name, role, attendance)
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

/**
 * Replaces the planned attendees of `sessions` (all scheduled) with the persons of their case and
 * the other attendees given, each invited: one statement to check the persons, one to write.
 */
export async function planAttendees(
  tx: EntityManager,
  practiceId: string,
  sessions: TherapySessionRow[],
  dto: ChangeSeriesAttendeesDto,
): Promise<void> {
  const people = dto.caseAttendees;
  if (people.length > 0 && sessions.length > 0) {
    const caseIds = [...new Set(sessions.map((session) => session.case_id))];
    if (caseIds.includes(null)) {
      throw new UnprocessableProblem(SESSION_ERRORS.notInCase, 'This series belongs to no case.', [
        { field: 'caseAttendees', message: 'only for a series of a case' },
      ]);
    }
    const members = await tx.query<{ person_id: string }[]>(
      `SELECT person_id FROM case_members
        WHERE practice_id = $1 AND case_id = ANY($2::uuid[]) AND person_id = ANY($3::uuid[])
        GROUP BY person_id HAVING count(*) = cardinality($2::uuid[])`,
      [practiceId, caseIds, people.map((person) => person.personId)],
    );
    const known = new Set(members.map((member) => member.person_id));
    const strangers = people
      .map((person, index) => ({ person, index }))
      .filter(({ person }) => !known.has(person.personId));
    if (strangers.length > 0) {
      throw new UnprocessableProblem(
        SESSION_ERRORS.notInCase,
        'Every case attendee is a person of the series’ case.',
        strangers.map(({ index }) => ({
          field: `caseAttendees[${index}].personId`,
          message: 'is not a member of the case',
        })),
      );
    }
  }
  const ids = sessions.map((session) => session.id);
  // Deleting and inserting the same keys in one statement is unordered in PostgreSQL: two statements.
  await tx.query(
    `WITH dropped AS (DELETE FROM session_case_attendees WHERE practice_id = $1 AND session_id = ANY($2::uuid[]))
     DELETE FROM session_other_attendees WHERE practice_id = $1 AND session_id = ANY($2::uuid[])`,
    [practiceId, ids],
  );
  await tx.query(
    `WITH people AS (INSERT INTO session_case_attendees (practice_id, session_id, person_id, attendance)
                     SELECT $1, s.id, p.person_id, 'invited'
                       FROM unnest($2::uuid[]) AS s(id) CROSS JOIN unnest($3::uuid[]) AS p(person_id))
     INSERT INTO session_other_attendees (practice_id, session_id, name, role, attendance)
     SELECT $1, s.id, o.name, o.role, 'invited'
       FROM unnest($2::uuid[]) AS s(id) CROSS JOIN jsonb_to_recordset($4::jsonb) AS o(name text, role text)`,
    [
      practiceId,
      ids,
      people.map((person) => person.personId),
      JSON.stringify(dto.otherAttendees.map((o) => ({ name: o.name.trim(), role: o.role }))),
    ],
  );
}

import type { Client } from 'pg';
import { insertClients, type NewClient } from '../src/clients/client-writes';
import { rowsOf } from '../src/common/sql/query-rows';
import { insertFamilyMembers } from '../src/family-members/family-member-writes';
import { refreshGoalFigures } from '../src/trust-goals/goal-figures';

export interface LargePracticeSize {
  counselors: number;
  clients: number;
  sessions: number;
  goals: number;
  checkInsPerGoal: number;
}

export const DEFAULT_SIZE: LargePracticeSize = {
  counselors: 50,
  clients: 5_000,
  sessions: 100_000,
  goals: 20_000,
  checkInsPerGoal: 10,
};

/**
 * Seeds one large practice with set-based SQL: counselors (5 supervisors over the rest), clients
 * (through the clients' own insert, so they are numbered as the API numbers them) spread over
 * counselors as primaries, a family member each, sessions laid out per counselor in
 * non-overlapping slots over the past and coming months, goals with weekly check-ins and ratings
 * (trust rising for most goals, steady for some, falling for one in ten).
 */
export async function seedLargePractice(
  db: Client,
  size: LargePracticeSize,
  passwordHash: string,
): Promise<{ practiceId: string }> {
  const [practice] = (
    await db.query<{ id: string }>(
      `INSERT INTO practices (name, time_zone) VALUES ('Benchmark Practice', 'America/Chicago') RETURNING id`,
    )
  ).rows;
  const practiceId = practice!.id;
  await db.query(
    `INSERT INTO staff (practice_id, email, first_name, last_name, role, password_hash)
     SELECT $1, 'bench-supervisor' || n || '@bench.example', 'Super', 'Visor' || n, 'supervisor', $2 FROM generate_series(1, 5) n`,
    [practiceId, passwordHash],
  );
  await db.query(
    `INSERT INTO staff (practice_id, email, first_name, last_name, role, password_hash, supervisor_id)
     SELECT $1, 'bench-counselor' || n || '@bench.example', 'Coun', 'Selor' || n, 'counselor', $2,
            (SELECT id FROM staff WHERE practice_id = $1 AND email = 'bench-supervisor' || (1 + n % 5) || '@bench.example')
       FROM generate_series(1, $3::int - 5) n`,
    [practiceId, passwordHash, size.counselors],
  );
  const clients = await insertClients(
    rowsOf(db),
    practiceId,
    Array.from({ length: size.clients }, (_, i) => benchClient(i + 1)),
  );
  await db.query(
    `WITH staff_list AS (SELECT id, row_number() OVER (ORDER BY email) - 1 AS k FROM staff WHERE practice_id = $1)
     INSERT INTO care_team_members (practice_id, client_id, staff_id, role)
     SELECT $1, c.id, s.id, 'primary_counselor' FROM clients c JOIN staff_list s ON s.k = c.client_number % $2
      WHERE c.practice_id = $1`,
    [practiceId, size.counselors],
  );
  await insertFamilyMembers(
    rowsOf(db),
    practiceId,
    clients.map((client) => ({
      client_id: client.id,
      first_name: 'Parent',
      relationship: 'mother',
      participation: 'participating',
    })),
  );
  // Sessions: per counselor, consecutive 2-hour slots centred on today; past ones completed (some no-shows).
  await db.query(
    `WITH owned AS (
       SELECT m.staff_id, m.client_id, row_number() OVER (PARTITION BY m.staff_id ORDER BY m.client_id) AS i,
              count(*) OVER (PARTITION BY m.staff_id) AS n
         FROM care_team_members m WHERE m.practice_id = $1),
     slots AS (
       SELECT o.staff_id, o.client_id, s AS slot
         FROM (SELECT DISTINCT staff_id, n FROM owned) per
         CROSS JOIN LATERAL generate_series(0, ($2::int / $3::int) - 1) s
         JOIN owned o ON o.staff_id = per.staff_id AND o.i = (s % per.n) + 1)
     INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status, completed_at)
     SELECT $1, client_id, staff_id, now() - make_interval(hours => ($2::int / $3::int)) + make_interval(hours => slot * 2),
            now() - make_interval(hours => ($2::int / $3::int)) + make_interval(hours => slot * 2) + interval '50 minutes',
            CASE WHEN slot % 3 = 0 THEN 'family' ELSE 'individual' END, 'in_person',
            CASE WHEN now() - make_interval(hours => ($2::int / $3::int)) + make_interval(hours => slot * 2) < now()
                 THEN CASE WHEN slot % 17 = 0 THEN 'no_show' ELSE 'completed' END ELSE 'scheduled' END,
            CASE WHEN now() - make_interval(hours => ($2::int / $3::int)) + make_interval(hours => slot * 2) < now() AND slot % 17 <> 0 THEN now() END
       FROM slots`,
    [practiceId, size.sessions, size.counselors],
  );
  // Notes are signed for all but the last week's sessions, as in a practice that keeps up.
  await db.query(
    `INSERT INTO session_notes (practice_id, client_id, session_id, author_id, format, content, risk_level, status, signed_by,
                                signed_at, content_hash)
     SELECT practice_id, client_id, id, counselor_id, 'free', '{"text":"Session note."}', 'none', 'signed', counselor_id,
            ends_at + interval '1 day', md5(id::text)
       FROM therapy_sessions WHERE practice_id = $1 AND status = 'completed' AND ends_at < now() - interval '7 days'`,
    [practiceId],
  );
  await db.query(
    `INSERT INTO trust_goals (practice_id, client_id, party_a_family_member_id, party_b_family_member_id, strategy, description,
                              lifecycle_status, baseline_rating, target_rating, start_date)
     SELECT f.practice_id, f.client_id, NULL, f.id, 'consistency_and_reliability', 'Goal ' || g, 'active', 3, 8, current_date - 120
       FROM family_members f CROSS JOIN generate_series(1, ceil($2::numeric / $3)::int) g
      WHERE f.practice_id = $1
      LIMIT $2`,
    [practiceId, size.goals, size.clients],
  );
  await db.query(
    `WITH k AS (
       INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, commitments_kept, commitments_missed, recorded_by)
       SELECT g.practice_id, g.client_id, g.id, now() - make_interval(days => 7 * w + 1), 1 + (w % 2), w % 3,
              (SELECT staff_id FROM care_team_members m WHERE m.practice_id = g.practice_id AND m.client_id = g.client_id LIMIT 1)
         FROM trust_goals g CROSS JOIN generate_series(0, $2::int - 1) w WHERE g.practice_id = $1
       RETURNING id, goal_id, practice_id, occurred_at)
     INSERT INTO goal_check_in_ratings (practice_id, goal_id, check_in_id, family_member_id, rating)
     SELECT k.practice_id, k.goal_id, k.id, p.party,
            CASE WHEN g.trajectory < 7 THEN 2 + (10 - k.week) / 2   -- most goals: trust rising
                 WHEN g.trajectory < 9 THEN 5 + k.week % 2          -- some: holding steady
                 ELSE 3 + k.week / 2 END                            -- one in ten: falling
       FROM (SELECT *, floor(extract(epoch FROM now() - occurred_at) / 604800)::int AS week FROM k) k
       JOIN (SELECT *, abs(hashtext(id::text)) % 10 AS trajectory FROM trust_goals) g ON g.id = k.goal_id
       CROSS JOIN LATERAL (VALUES (g.party_a_family_member_id), (g.party_b_family_member_id)) AS p(party)`,
    [practiceId, size.checkInsPerGoal],
  );
  await refreshGoalFigures(rowsOf(db), practiceId, 'all');
  await db.query('VACUUM ANALYZE');
  return { practiceId };
}

/** Client `n` of the benchmark practice: one in ten on hold, birthdays spread over 40 years. */
function benchClient(n: number): NewClient {
  return {
    first_name: `Client${n}`,
    last_name: `Family${n}`,
    date_of_birth: new Date(Date.UTC(1970, 0, 1 + (n % 15000))).toISOString().slice(0, 10),
    status: n % 10 === 0 ? 'on_hold' : 'active',
    presenting_concerns: ['communication'],
  };
}

import { spawnSync } from 'node:child_process';
import { Client } from 'pg';
import { REPO_ROOT } from './processes';

/** What BENCH_SCALE 1 seeds; every figure grows with the scale, so caseloads stay ~100. */
export const PER_SCALE = { clinicians: 250, clients: 25_000 };
/** Per client, at any scale: the history that dashboards and summaries read through. */
const SESSIONS_PER_CLIENT = 8;
const CHECK_INS_PER_GOAL = 10;
/** One clinician in 25 supervises the next 24: a supervisor's caseload is ~2,500 clients. */
const SUPERVISOR_EVERY = 25;

export interface SeedSize {
  clinicians: number;
  clients: number;
  sessions: number;
}

export function seedSize(scale: number): SeedSize {
  const clients = Math.round(PER_SCALE.clients * scale);
  return {
    clinicians: Math.max(SUPERVISOR_EVERY, Math.round(PER_SCALE.clinicians * scale)),
    clients,
    sessions: clients * SESSIONS_PER_CLIENT,
  };
}

// A search for "ma" finds about half the clients (a quarter of first names and a third of last
// names start so), which gives a supervisor's caseload of ~2,500 more than 50 pages of results.
const LAST_NAMES = [
  'Martin', 'Okafor', 'Nguyen', 'Garcia', 'Smith', 'Marsh', 'Kowalski', 'Haddad', 'Johansson',
  'Ito', 'Marino', 'Brown', 'Mason', 'Silva', 'Patel', 'Mahmoud', 'Dubois', 'Maddox',
]; // prettier-ignore
const FIRST_NAMES = [
  'Maya', 'Grace', 'Liam', 'Noah', 'Ava', 'Sofia', 'Mateo', 'Amara', 'Lucas', 'Chloe', 'Omar',
  'Malik', 'Ines', 'Zara', 'Jonas', 'Marta', 'Ruth', 'Felix', 'Mads', 'Ezra',
]; // prettier-ignore
export const SEARCH_TERM = 'ma';

/**
 * Seeds one practice with set-based SQL, as the owner role, in the shapes the API itself writes:
 * clients numbered from the practice's counter (as `insertClients` does), each with a primary
 * counselor and two participating family members; sessions laid out per clinician in
 * non-overlapping slots over the past and coming months (past ones completed, some no-shows, notes
 * signed); one trust goal per client between the client and a family member, with weekly check-ins
 * rated by both parties. The goals' stored figures are then computed by the API's own code.
 */
export async function seedPractice(
  ownerUrl: string,
  size: SeedSize,
  passwordHash: string,
): Promise<{ practiceId: string }> {
  const db = new Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    const practiceId = await seedRows(db, size, passwordHash);
    finishGoalFigures(ownerUrl, practiceId);
    await db.query('VACUUM ANALYZE');
    return { practiceId };
  } finally {
    await db.end();
  }
}

async function seedRows(db: Client, size: SeedSize, passwordHash: string): Promise<string> {
  const [practice] = (
    await db.query<{ id: string }>(
      `INSERT INTO practices (name, time_zone) VALUES ('Benchmark Practice', 'America/Chicago') RETURNING id`,
    )
  ).rows;
  const practiceId = practice!.id;
  const p = [practiceId];
  await db.query(
    `INSERT INTO staff (practice_id, email, first_name, last_name, role, password_hash)
     VALUES ($1, 'bench-admin@bench.example', 'Ada', 'Admin', 'admin', $2)`,
    [practiceId, passwordHash],
  );
  // Clinician k (0-based): a supervisor when k % 25 = 0, else supervised by the one before.
  await db.query(
    `INSERT INTO staff (practice_id, email, first_name, last_name, role, password_hash)
     SELECT $1, 'bench-clinician' || k || '@bench.example', 'Clin', 'Ician' || k, 'supervisor', $2
       FROM generate_series(0, $3::int - 1, ${SUPERVISOR_EVERY}) k`,
    [practiceId, passwordHash, size.clinicians],
  );
  await db.query(
    `INSERT INTO staff (practice_id, email, first_name, last_name, role, password_hash, supervisor_id)
     SELECT $1, 'bench-clinician' || k || '@bench.example', 'Clin', 'Ician' || k, 'counselor', $2, s.id
       FROM generate_series(0, $3::int - 1) k
       JOIN staff s ON s.practice_id = $1 AND s.email = 'bench-clinician' || (k - k % ${SUPERVISOR_EVERY}) || '@bench.example'
      WHERE k % ${SUPERVISOR_EVERY} <> 0`,
    [practiceId, passwordHash, size.clinicians],
  );
  // The counter ends where the API's next client continues, as insertClients leaves it.
  await db.query(
    `INSERT INTO practice_counters (practice_id, name, value) VALUES ($1, 'client_number', $2)`,
    [practiceId, size.clients],
  );
  await db.query(
    `INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth, status, presenting_concerns)
     SELECT $1, n, ($2::text[])[1 + (n * 7) % cardinality($2::text[])], ($3::text[])[1 + n % cardinality($3::text[])],
            date '1970-01-01' + (n % 15000), CASE WHEN n % 10 = 0 THEN 'on_hold' ELSE 'active' END, '{communication}'
       FROM generate_series(1, $4::int) n`,
    [practiceId, FIRST_NAMES, LAST_NAMES, size.clients],
  );
  await db.query(
    `WITH clinician AS (
       SELECT id, (substring(email FROM 'bench-clinician(\\d+)@'))::int AS k FROM staff
        WHERE practice_id = $1 AND role IN ('counselor', 'supervisor'))
     INSERT INTO care_team_members (practice_id, client_id, staff_id, role)
     SELECT $1, c.id, s.id, 'primary_counselor' FROM clients c JOIN clinician s ON s.k = c.client_number % $2
      WHERE c.practice_id = $1`,
    [practiceId, size.clinicians],
  );
  await db.query(
    `INSERT INTO family_members (practice_id, client_id, first_name, last_name, relationship, participation)
     SELECT c.practice_id, c.id, m.first_name, c.last_name, m.relationship, 'participating'
       FROM clients c CROSS JOIN (VALUES ('Parent', 'mother'), ('Sibling', 'sibling')) AS m (first_name, relationship)
      WHERE c.practice_id = $1`,
    p,
  );
  await seedHistory(db, practiceId, size);
  return practiceId;
}

async function seedHistory(db: Client, practiceId: string, size: SeedSize): Promise<void> {
  // Per clinician, consecutive 2-hour slots centred on now; past ones completed (some no-shows).
  await db.query(
    `WITH owned AS (
       SELECT m.staff_id, m.client_id, row_number() OVER (PARTITION BY m.staff_id ORDER BY m.client_id) AS i,
              count(*) OVER (PARTITION BY m.staff_id) AS n
         FROM care_team_members m WHERE m.practice_id = $1 AND m.removed_at IS NULL),
     slots AS (
       SELECT o.staff_id, o.client_id, s AS slot
         FROM (SELECT DISTINCT staff_id, n FROM owned) per
         CROSS JOIN LATERAL generate_series(0, ($2::int / $3::int) - 1) s
         JOIN owned o ON o.staff_id = per.staff_id AND o.i = (s % per.n) + 1),
     timed AS (
       SELECT *, now() - make_interval(hours => ($2::int / $3::int)) + make_interval(hours => slot * 2) AS starts_at FROM slots)
     INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status, completed_at)
     SELECT $1, client_id, staff_id, starts_at, starts_at + interval '50 minutes',
            CASE WHEN slot % 3 = 0 THEN 'family' ELSE 'individual' END, 'in_person',
            CASE WHEN starts_at < now() THEN CASE WHEN slot % 17 = 0 THEN 'no_show' ELSE 'completed' END ELSE 'scheduled' END,
            CASE WHEN starts_at < now() AND slot % 17 <> 0 THEN now() END
       FROM timed`,
    [practiceId, size.sessions, size.clinicians],
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
     SELECT DISTINCT ON (f.client_id) f.practice_id, f.client_id, NULL::uuid, f.id, 'consistency_and_reliability',
            'Keep the promised weekly call', 'active', 3, 8, current_date - 120
       FROM family_members f WHERE f.practice_id = $1 ORDER BY f.client_id, f.first_name`,
    [practiceId],
  );
  // The recorder is the client's current primary counselor: the care-team probe names removed_at
  // so that it is answered from the client's own rows, not by scanning the care team per check-in.
  await db.query(
    `WITH k AS (
       INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, commitments_kept, commitments_missed, recorded_by)
       SELECT g.practice_id, g.client_id, g.id, now() - make_interval(days => 7 * w + 1), 1 + (w % 2), w % 3,
              (SELECT staff_id FROM care_team_members m
                WHERE m.practice_id = g.practice_id AND m.client_id = g.client_id AND m.removed_at IS NULL LIMIT 1)
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
    [practiceId, CHECK_INS_PER_GOAL],
  );
}

/**
 * The goals' stored figures (latest check-in, suggested status) are computed in TypeScript by the
 * API (`refreshGoalFigures`), which check-in writes call. The benchmark must not load the API's
 * code into its own process, so the built function runs in a child process of its own, in batches.
 */
function finishGoalFigures(ownerUrl: string, practiceId: string): void {
  const script = `
    const { Client } = require('pg');
    const { rowsOf } = require('./dist/src/common/sql/query-rows.js');
    const { refreshGoalFigures } = require('./dist/src/trust-goals/goal-figures.js');
    (async () => {
      const db = new Client({ connectionString: process.env.BENCH_OWNER_URL });
      await db.connect();
      const ids = (await db.query('SELECT id FROM trust_goals WHERE practice_id = $1 ORDER BY id', [process.env.BENCH_PRACTICE])).rows.map((r) => r.id);
      for (let i = 0; i < ids.length; i += 5000) await refreshGoalFigures(rowsOf(db), process.env.BENCH_PRACTICE, ids.slice(i, i + 5000));
      await db.end();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      BENCH_OWNER_URL: ownerUrl,
      BENCH_PRACTICE: practiceId,
    },
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('computing the goals’ figures failed');
}

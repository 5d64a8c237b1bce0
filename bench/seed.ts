import { Client } from 'pg';
import {
  builtRefreshGoalFigures,
  finishGoalFigures,
  seedGoals,
  seedSessions,
  timed,
  type RefreshGoalFigures,
} from './seed-history';

/** What BENCH_SCALE 1 seeds; every figure grows with the scale, so caseloads stay ~100. */
export const PER_SCALE = { clinicians: 250, clients: 25_000 };
/** Per client, at any scale: the history that dashboards and summaries read through. */
const SESSIONS_PER_CLIENT = 8;
/** One clinician in 25 supervises the next 24: a supervisor's caseload is ~2,500 clients. */
export const SUPERVISOR_EVERY = 25;

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

/** For tests: how the goals' figures are computed, and whether the database is vacuumed. */
export interface SeedChoices {
  refresh?: RefreshGoalFigures;
  vacuum?: boolean;
}

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
  { refresh = builtRefreshGoalFigures(ownerUrl), vacuum = true }: SeedChoices = {},
): Promise<{ practiceId: string }> {
  const db = new Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    const practiceId = await seedRows(db, size, passwordHash);
    await timed('goal figures', () => finishGoalFigures(db, practiceId, refresh));
    if (vacuum) await timed('VACUUM ANALYZE', () => db.query('VACUUM ANALYZE'));
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
  await withTriggersSetBased(db, async () => {
    const restore = await setIndexesAside(db);
    await timed('clients, care teams and family members', () => seedPeople(db, practiceId, size));
    await seedSessions(db, practiceId, size);
    await db.query('ANALYZE therapy_sessions, session_staff_bookings, session_notes');
    await seedGoals(db, practiceId);
    await timed('care-team goals', () => seedCareTeamGoals(db, practiceId));
    await timed('change log', () => seedChangeLog(db, practiceId));
    await timed('indexes and constraints set aside, built again', restore);
  });
  return practiceId;
}

/**
 * Triggers whose work the seed does itself, set-based, in the same transaction: each client's and
 * family member's person, the change log of clients, family members, sessions and notes, the staff
 * bookings of each session, each session's note status, the guard that a rating's party is one of
 * the goal's two (true by construction here), and the care-team goals. Fired row by row they took
 * about a quarter of the seed's time; the care-team goals' refresh, planned for a few clients, joins
 * a whole practice's goals and care teams by nested loops while their indexes are set aside.
 * Disabled by name, only inside the benchmark's own database and only until that transaction ends
 * (a trigger added later and not listed here still fires).
 */
const SET_BASED_TRIGGERS = [
  ['clients', 'tr_clients_person'],
  ['clients', 'trg_clients_change_log'],
  ['family_members', 'tr_family_members_person'],
  ['family_members', 'trg_family_members_change_log'],
  ['therapy_sessions', 'tg_therapy_sessions_bookings'],
  ['therapy_sessions', 'trg_therapy_sessions_change_log'],
  ['session_notes', 'tg_session_notes_note_status'],
  ['session_notes', 'trg_session_notes_change_log'],
  ['goal_check_in_ratings', 'tg_goal_check_in_ratings_party'],
  ['trust_goals', 'trg_trust_goals_care_team_goals_insert'],
  ['care_team_members', 'trg_care_team_members_care_team_goals_insert'],
] as const;

/** The tables the seed fills. */
const SEEDED_TABLES = [
  'persons', 'clients', 'care_team_members', 'family_members', 'therapy_sessions',
  'session_staff_bookings', 'session_notes', 'trust_goals', 'goal_check_ins', 'goal_check_in_ratings',
  'change_log',
]; // prettier-ignore

/**
 * Drops the seeded tables' secondary indexes (those no constraint stands on), their exclusion
 * constraints and their foreign keys, and answers how to build them again: one index build or one
 * validating join each after the bulk inserts costs far less than maintaining and checking them
 * row by row. Primary keys and unique constraints stay (foreign keys of other tables rest on
 * them). Run inside the seed's transaction, so a failed seed leaves the schema as it was.
 */
async function setIndexesAside(db: Client): Promise<() => Promise<void>> {
  const indexes = (
    await db.query<{ name: string; def: string }>(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relnamespace = 'public'::regnamespace AND t.relname = ANY ($1)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
      [SEEDED_TABLES],
    )
  ).rows;
  const constraints = (
    await db.query<{ tab: string; name: string; def: string }>(
      `SELECT c.conrelid::regclass::text AS tab, quote_ident(c.conname) AS name, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE t.relnamespace = 'public'::regnamespace AND t.relname = ANY ($1) AND c.contype IN ('f', 'x')`,
      [SEEDED_TABLES],
    )
  ).rows;
  for (const c of constraints) await db.query(`ALTER TABLE ${c.tab} DROP CONSTRAINT ${c.name}`);
  for (const index of indexes) await db.query(`DROP INDEX ${index.name}`);
  return async () => {
    for (const index of indexes) await db.query(index.def);
    for (const c of constraints)
      await db.query(`ALTER TABLE ${c.tab} ADD CONSTRAINT ${c.name} ${c.def}`);
  };
}

async function withTriggersSetBased(db: Client, work: () => Promise<void>): Promise<void> {
  // Sorts and hash joins of a whole table in memory, and index builds from one sort each.
  await db.query(`SET work_mem = '256MB'`);
  await db.query(`SET maintenance_work_mem = '1GB'`);
  await db.query('BEGIN');
  try {
    for (const [table, trigger] of SET_BASED_TRIGGERS)
      await db.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
    await work();
    for (const [table, trigger] of SET_BASED_TRIGGERS)
      await db.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}

/**
 * Clients (each its own person, as `assign_person` makes one), a primary counselor each, and two
 * participating family members each (persons too).
 */
async function seedPeople(db: Client, practiceId: string, size: SeedSize): Promise<void> {
  await db.query(
    `WITH n AS (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $4::int) n),
     person AS (INSERT INTO persons (practice_id, id) SELECT $1, id FROM n)
     INSERT INTO clients (practice_id, id, person_id, client_number, first_name, last_name, date_of_birth, status,
                          presenting_concerns)
     SELECT $1, id, id, n, ($2::text[])[1 + (n * 7) % cardinality($2::text[])], ($3::text[])[1 + n % cardinality($3::text[])],
            date '1970-01-01' + (n % 15000), CASE WHEN n % 10 = 0 THEN 'on_hold' ELSE 'active' END, '{communication}'
       FROM n`,
    [practiceId, FIRST_NAMES, LAST_NAMES, size.clients],
  );
  // Statistics of what was just written, so that the next statement joins by hash and not in
  // nested loops (clients by clinicians: quadratic, hours at BENCH_SCALE=10).
  await db.query('ANALYZE staff, persons, clients');
  await db.query(
    `WITH clinician AS (
       SELECT id, (substring(email FROM 'bench-clinician(\\d+)@'))::int AS k FROM staff
        WHERE practice_id = $1 AND role IN ('counselor', 'supervisor'))
     INSERT INTO care_team_members (practice_id, client_id, staff_id, role)
     SELECT $1, c.id, s.id, 'primary_counselor' FROM clients c JOIN clinician s ON s.k = c.client_number % $2
      WHERE c.practice_id = $1`,
    [practiceId, size.clinicians],
  );
  await db.query('ANALYZE care_team_members');
  await db.query(
    `WITH m AS (
       SELECT gen_random_uuid() AS id, c.practice_id, c.id AS client_id, m.first_name, c.last_name, m.relationship
         FROM clients c CROSS JOIN (VALUES ('Parent', 'mother'), ('Sibling', 'sibling')) AS m (first_name, relationship)
        WHERE c.practice_id = $1),
     person AS (INSERT INTO persons (practice_id, id) SELECT practice_id, id FROM m)
     INSERT INTO family_members (practice_id, id, person_id, client_id, first_name, last_name, relationship, participation)
     SELECT practice_id, id, id, client_id, first_name, last_name, relationship, 'participating' FROM m`,
    [practiceId],
  );
  await db.query('ANALYZE persons, family_members');
}

/**
 * What the care-team-goals triggers would have written: a row per care-team member and active goal
 * of their client, with the client's number and status (the goals' figures follow when
 * `finishGoalFigures` updates them, by trigger). One hash join; the triggers' own refresh keeps one
 * plan made for a few clients.
 */
async function seedCareTeamGoals(db: Client, practiceId: string): Promise<void> {
  await db.query(
    `INSERT INTO care_team_goals (practice_id, staff_id, goal_id, client_id, client_number, client_status, created_at,
                                  start_date, target_date, achievement_status, suggested_achievement_status,
                                  last_check_in_at, recent_check_in_at, recent_kept_totals, recent_missed_totals)
     SELECT g.practice_id, m.staff_id, g.id, g.client_id, c.client_number, c.status, g.created_at,
            g.start_date, g.target_date, g.achievement_status, g.suggested_achievement_status,
            g.last_check_in_at, g.recent_check_in_at, g.recent_kept_totals, g.recent_missed_totals
       FROM trust_goals g
       JOIN clients c ON c.practice_id = g.practice_id AND c.id = g.client_id
       JOIN care_team_members m ON m.practice_id = g.practice_id AND m.client_id = g.client_id AND m.removed_at IS NULL
      WHERE g.practice_id = $1 AND g.lifecycle_status = 'active'`,
    [practiceId],
  );
}

/** What the change-log triggers would have written for every row seeded, one row each. */
async function seedChangeLog(db: Client, practiceId: string): Promise<void> {
  await db.query(
    `INSERT INTO change_log (practice_id, resource_type, resource_id, client_id)
     SELECT practice_id, 'client', id, id FROM clients WHERE practice_id = $1
     UNION ALL SELECT practice_id, 'family_member', id, client_id FROM family_members WHERE practice_id = $1
     UNION ALL SELECT practice_id, 'therapy_session', id, client_id FROM therapy_sessions WHERE practice_id = $1
     UNION ALL SELECT practice_id, 'session_note', id, client_id FROM session_notes WHERE practice_id = $1`,
    [practiceId],
  );
}

import { spawnSync } from 'node:child_process';
import type { Client } from 'pg';
import { REPO_ROOT } from './processes';
import type { SeedSize } from './seed';

/** Per goal, at any scale: weekly check-ins, the newest a day ago. */
const CHECK_INS_PER_GOAL = 10;

/**
 * Per clinician, consecutive 2-hour slots centred on now; past ones completed (some no-shows).
 * Notes are signed for all but the last week's sessions, as in a practice that keeps up. One
 * statement writes the sessions, their bookings and their notes, and gives each session the note
 * status its note's trigger would have (`sync_session_note_status`).
 */
export async function seedSessions(db: Client, practiceId: string, size: SeedSize): Promise<void> {
  await timed('sessions, bookings and notes', () =>
    db.query(
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
         SELECT *, now() - make_interval(hours => ($2::int / $3::int)) + make_interval(hours => slot * 2) AS starts_at FROM slots),
       shaped AS (
         SELECT *, CASE WHEN starts_at < now() THEN CASE WHEN slot % 17 = 0 THEN 'no_show' ELSE 'completed' END
                        ELSE 'scheduled' END AS status
           FROM timed),
       s AS (
         INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status,
                                       completed_at, note_status)
         SELECT $1, client_id, staff_id, starts_at, starts_at + interval '50 minutes',
                CASE WHEN slot % 3 = 0 THEN 'family' ELSE 'individual' END, 'in_person', status,
                CASE WHEN status = 'completed' THEN now() END,
                CASE WHEN status = 'completed' AND starts_at + interval '50 minutes' < now() - interval '7 days'
                     THEN 'signed' ELSE 'none' END
           FROM shaped
         RETURNING practice_id, id, client_id, counselor_id, co_therapist_id, starts_at, ends_at, status, note_status),
       bookings AS (
         INSERT INTO session_staff_bookings (practice_id, session_id, staff_id, time_range)
         SELECT s.practice_id, s.id, staff_id, tstzrange(s.starts_at, s.ends_at, '[)')
           FROM s CROSS JOIN LATERAL unnest(ARRAY[s.counselor_id, s.co_therapist_id]) AS staff_id
          WHERE staff_id IS NOT NULL AND s.status NOT IN ('cancelled', 'late_cancel'))
       INSERT INTO session_notes (practice_id, client_id, session_id, author_id, format, content, risk_level, status, signed_by,
                                  signed_at, content_hash)
       SELECT practice_id, client_id, id, counselor_id, 'free', '{"text":"Session note."}', 'none', 'signed', counselor_id,
              ends_at + interval '1 day', md5(id::text)
         FROM s WHERE note_status = 'signed'`,
      [practiceId, size.sessions, size.clinicians],
    ),
  );
}

export async function seedGoals(db: Client, practiceId: string): Promise<void> {
  await timed('goals', () =>
    db.query(
      `INSERT INTO trust_goals (practice_id, client_id, party_a_family_member_id, party_b_family_member_id, strategy, description,
                              lifecycle_status, baseline_rating, target_rating, start_date)
     SELECT DISTINCT ON (f.client_id) f.practice_id, f.client_id, NULL::uuid, f.id, 'consistency_and_reliability',
            'Keep the promised weekly call', 'active', 3, 8, current_date - 120
       FROM family_members f WHERE f.practice_id = $1 ORDER BY f.client_id, f.first_name`,
      [practiceId],
    ),
  );
  await db.query('ANALYZE trust_goals');
  // The recorder is the client's current (only) care-team member, joined set-based: the care
  // team's indexes are set aside while the seed writes.
  await timed('check-ins and ratings', () =>
    db.query(
      `WITH k AS (
       INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, commitments_kept, commitments_missed, recorded_by)
       SELECT g.practice_id, g.client_id, g.id, now() - make_interval(days => 7 * w + 1), 1 + (w % 2), w % 3, r.staff_id
         FROM trust_goals g
         JOIN (SELECT DISTINCT ON (m.client_id) m.client_id, m.staff_id FROM care_team_members m
                WHERE m.practice_id = $1 AND m.removed_at IS NULL ORDER BY m.client_id, m.staff_id) r
           ON r.client_id = g.client_id
         CROSS JOIN generate_series(0, $2::int - 1) w WHERE g.practice_id = $1
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
    ),
  );
}

/** Runs one step of the seed and prints how long it took: a slow seed shows where. */
export async function timed<T>(step: string, work: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  const result = await work();
  // eslint-disable-next-line no-console -- the benchmark's own progress report
  console.log(`  seed: ${step} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** Computes the stored figures of these goals the API's way (`refreshGoalFigures`). */
export type RefreshGoalFigures = (practiceId: string, goalIds: string[]) => Promise<void>;

/**
 * The goals' stored figures (latest check-in, suggested status, recent commitments) are computed
 * in TypeScript by the API (`refreshGoalFigures`). Every seeded goal of one trajectory class (see
 * `seedGoals`) has the same parties' shape, target and check-ins, to the instant (one statement's
 * `now()`), so the API computes them for one goal per class and the rest copy its figures
 * set-based: exactly what computing each would store (bench/seed-figures.spec.ts compares the two).
 */
export async function finishGoalFigures(
  db: Client,
  practiceId: string,
  refresh: RefreshGoalFigures,
): Promise<void> {
  const trajectory = `abs(hashtext(g.id::text)) % 10`;
  const representatives = (
    await db.query<{ id: string }>(
      `SELECT DISTINCT ON (${trajectory}) g.id FROM trust_goals g WHERE g.practice_id = $1 ORDER BY ${trajectory}, g.id`,
      [practiceId],
    )
  ).rows.map((row) => row.id);
  await refresh(practiceId, representatives);
  await db.query(
    `UPDATE trust_goals g
        SET last_check_in_at = r.last_check_in_at, suggested_achievement_status = r.suggested_achievement_status,
            recent_check_in_at = r.recent_check_in_at, recent_kept_totals = r.recent_kept_totals,
            recent_missed_totals = r.recent_missed_totals
       FROM (SELECT ${trajectory} AS trajectory, g.* FROM trust_goals g WHERE g.id = ANY ($2::uuid[])) r
      WHERE g.practice_id = $1 AND ${trajectory} = r.trajectory AND g.id <> r.id`,
    [practiceId, representatives],
  );
}

/**
 * The API's own `refreshGoalFigures`, built: the benchmark must not load the API's code into its
 * own process, so it runs in a child process of its own.
 */
export function builtRefreshGoalFigures(ownerUrl: string): RefreshGoalFigures {
  return async (practiceId, goalIds) => {
    const script = `
    const { Client } = require('pg');
    const { rowsOf } = require('./dist/src/common/sql/query-rows.js');
    const { refreshGoalFigures } = require('./dist/src/trust-goals/goal-figures.js');
    (async () => {
      const db = new Client({ connectionString: process.env.BENCH_OWNER_URL });
      await db.connect();
      await refreshGoalFigures(rowsOf(db), process.env.BENCH_PRACTICE, JSON.parse(process.env.BENCH_GOALS));
      await db.end();
    })().catch((e) => { console.error(e); process.exit(1); });`;
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        BENCH_OWNER_URL: ownerUrl,
        BENCH_PRACTICE: practiceId,
        BENCH_GOALS: JSON.stringify(goalIds),
      },
      stdio: 'inherit',
    });
    if (result.status !== 0) throw new Error('computing the goals’ figures failed');
    return Promise.resolve();
  };
}

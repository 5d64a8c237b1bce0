import { Client } from 'pg';
import { signAccessToken, type BenchStaff } from './tokens';

export interface CaseloadClient {
  id: string;
  familyMemberIds: string[];
  goalId: string | undefined;
}

export interface Clinician extends BenchStaff {
  token: string;
  caseload: CaseloadClient[];
}

/** What the workloads pick from: who signs in, and whose clients they reach. */
export interface Fixture {
  practiceId: string;
  admin: Clinician;
  counselors: Clinician[];
  supervisors: Clinician[];
  counts: Record<string, number>;
  /** When the last session booked so far ends (epoch ms): new bookings go after it. */
  latestSessionEnd: number;
  /** Signs every token again (they live an hour; a long run outlives one set). */
  refreshTokens(): void;
}

export async function loadFixture(ownerUrl: string, secret: string): Promise<Fixture> {
  const db = new Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    const staff = (
      await db.query<{ id: string; practice_id: string; role: string; token_version: number }>(
        // In the order the seed made them (bench-clinician0, 1, 2, …), so that the first clinicians
        // are the same people, with the same share of the data, at every scale.
        `SELECT id, practice_id, role, token_version FROM staff
          ORDER BY (substring(email FROM 'bench-clinician(\\d+)@'))::int NULLS FIRST, email`,
      )
    ).rows;
    const rows = (
      await db.query<{
        staff_id: string;
        client_id: string;
        members: string[];
        goal_id: string | null;
      }>(
        `SELECT m.staff_id, m.client_id,
                ARRAY(SELECT f.id FROM family_members f WHERE f.practice_id = m.practice_id AND f.client_id = m.client_id
                       ORDER BY f.first_name)::text[] AS members,
                (SELECT g.id FROM trust_goals g WHERE g.practice_id = m.practice_id AND g.client_id = m.client_id
                  AND g.lifecycle_status = 'active' LIMIT 1) AS goal_id
           FROM care_team_members m WHERE m.removed_at IS NULL`,
      )
    ).rows;
    const counts = (
      await db.query<Record<string, string>>(
        `SELECT (SELECT count(*) FROM staff) AS staff, (SELECT count(*) FROM clients) AS clients,
                (SELECT count(*) FROM family_members) AS family_members,
                (SELECT count(*) FROM therapy_sessions) AS sessions, (SELECT count(*) FROM trust_goals) AS goals,
                (SELECT count(*) FROM goal_check_ins) AS check_ins,
                (SELECT extract(epoch FROM max(ends_at)) * 1000 FROM therapy_sessions) AS latest_session_end`,
      )
    ).rows[0]!;
    const caseloads = new Map<string, CaseloadClient[]>();
    for (const row of rows) {
      const list = caseloads.get(row.staff_id) ?? [];
      list.push({
        id: row.client_id,
        familyMemberIds: row.members,
        goalId: row.goal_id ?? undefined,
      });
      caseloads.set(row.staff_id, list);
    }
    const people: Clinician[] = staff.map((member) => ({
      id: member.id,
      practiceId: member.practice_id,
      role: member.role,
      tokenVersion: member.token_version,
      token: '',
      caseload: caseloads.get(member.id) ?? [],
    }));
    const refreshTokens = () => {
      for (const person of people) person.token = signAccessToken(person, secret);
    };
    refreshTokens();
    const admin = people.find((person) => person.role === 'admin');
    if (!admin) throw new Error('the seed has no admin');
    return {
      practiceId: admin.practiceId,
      admin,
      counselors: people.filter((person) => person.role === 'counselor'),
      supervisors: people.filter((person) => person.role === 'supervisor'),
      counts: Object.fromEntries(
        Object.entries(counts)
          .filter(([key]) => key !== 'latest_session_end')
          .map(([key, value]) => [key, Number(value)]),
      ),
      latestSessionEnd: Number(counts.latest_session_end ?? 0),
      refreshTokens,
    };
  } finally {
    await db.end();
  }
}

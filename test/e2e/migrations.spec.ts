import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import * as ts from 'typescript';
import { migrations } from '../../migrations';
import { StoreDashboardFigures1763712900000 } from '../../migrations/1763712900000-store-dashboard-figures';
import { loadConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { DUPLICATES_JOIN } from '../../src/intake/intake-submission.row';
import { runMigrations } from '../../src/database/migrate';
import { TEST_APP_ROLE } from '../setup/database-roles';
import { createEmptyDatabase, workerDatabaseUrl, workerOwnerUrl } from '../setup/test-database';

const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(48) }).database;

async function userTables(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

const SRC = join(__dirname, '../../src');

/**
 * Every `*_COLUMNS` list exported by a `*.row.ts` module (`<path under src>#<name>`): what it is
 * read from and the row type it fills. A new list must be added here, so it is checked too.
 */
const COLUMN_LISTS: Record<string, { from: string; row: string }> = {
  'api-clients/api-client.row.ts#API_CLIENT_COLUMNS': {
    from: 'api_clients a',
    row: 'ApiClientRow',
  },
  'audit/audit-event.row.ts#AUDIT_EVENT_COLUMNS': { from: 'audit_events e', row: 'AuditEventRow' },
  'boundary-agreements/agreement.row.ts#AGREEMENT_COLUMNS': {
    from: 'boundary_agreements a',
    row: 'AgreementRow',
  },
  'boundary-agreements/boundary-violation.row.ts#VIOLATION_COLUMNS': {
    from: 'boundary_violations v',
    row: 'ViolationRow',
  },
  'cases/case.row.ts#CASE_COLUMNS': { from: 'cases k', row: 'CaseRow' },
  'clients/client.row.ts#CLIENT_COLUMNS': { from: 'clients c', row: 'ClientRow' },
  'emergency-access/emergency-grant.row.ts#GRANT_COLUMNS': {
    from: 'emergency_access_grants g JOIN staff s ON s.practice_id = g.practice_id AND s.id = g.staff_id',
    row: 'GrantRow',
  },
  'family-members/family-member.row.ts#FAMILY_MEMBER_COLUMNS': {
    from: 'family_members',
    row: 'FamilyMemberRow',
  },
  'intake/intake-invitation.row.ts#INVITATION_COLUMNS': {
    from: 'intake_invitations i',
    row: 'InvitationRow',
  },
  'intake/intake-submission.row.ts#SUBMISSION_COLUMNS': {
    from: `intake_submissions s ${DUPLICATES_JOIN}`,
    row: 'SubmissionRow',
  },
  'practices/practice.row.ts#PRACTICE_COLUMNS': { from: 'practices p', row: 'PracticeRow' },
  'psychotherapy-notes/psychotherapy-note.row.ts#PSYCHOTHERAPY_NOTE_COLUMNS': {
    from: 'psychotherapy_notes n',
    row: 'NoteRow',
  },
  'session-notes/session-note.row.ts#NOTE_COLUMNS': {
    from: 'session_notes n',
    row: 'SessionNoteRow',
  },
  'staff/staff.row.ts#STAFF_COLUMNS': { from: 'staff s', row: 'StaffRow' },
  'therapy-sessions/therapy-session.row.ts#SESSION_COLUMNS': {
    from: 'therapy_sessions s',
    row: 'TherapySessionRow',
  },
  'trust-goals/trust-goal.row.ts#GOAL_COLUMNS': { from: 'trust_goals g', row: 'GoalRow' },
  'trust-goals/trust-goal.row.ts#GOAL_DETAIL_COLUMNS': {
    from: 'trust_goals g JOIN practices p ON p.id = g.practice_id',
    row: 'GoalDetailRow',
  },
  'webhooks/webhook.row.ts#WEBHOOK_ENDPOINT_COLUMNS': {
    from: 'webhook_endpoints e',
    row: 'WebhookEndpointRow',
  },
  'webhooks/webhook.row.ts#WEBHOOK_DELIVERY_COLUMNS': {
    from: 'webhook_deliveries d JOIN webhook_events ev ON ev.practice_id = d.practice_id AND ev.id = d.event_id',
    row: 'WebhookDeliveryRow',
  },
};

function rowModules(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return rowModules(path);
    return entry.name.endsWith('.row.ts') ? [path] : [];
  });
}

async function columnListsOfRowModules(): Promise<Record<string, string>> {
  const lists: Record<string, string> = {};
  for (const path of rowModules()) {
    const exported = (await import(path)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) {
      if (name.endsWith('_COLUMNS') && typeof value === 'string')
        lists[`${relative(SRC, path)}#${name}`] = value;
    }
  }
  return lists;
}

/** The property names of interface `name` in the module of `key`, with those it extends there. */
function rowTypeFields(key: string, name: string): string[] {
  const path = join(SRC, key.split('#')[0]!);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022);
  const declarations = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) declarations.set(node.name.text, node);
  });
  const fieldsOf = (interfaceName: string): string[] => {
    const declaration = declarations.get(interfaceName);
    if (!declaration) throw new Error(`${key}: no interface ${interfaceName} in the module`);
    const inherited = (declaration.heritageClauses ?? []).flatMap((clause) =>
      clause.types.flatMap((type) => fieldsOf(type.expression.getText(source))),
    );
    const own = declaration.members.flatMap((member) =>
      member.name && ts.isIdentifier(member.name) ? [member.name.text] : [],
    );
    return [...inherited, ...own];
  };
  return fieldsOf(name);
}

describe('migrations', () => {
  it('run all the way up on an empty database and all the way down again', async () => {
    const url = await createEmptyDatabase('migrations');
    const applied = await runMigrations(config, url, TEST_APP_ROLE.name);
    expect(applied).toEqual(migrations.map((migration) => new migration().name));

    const dataSource = new DataSource(dataSourceOptions(config, url));
    await dataSource.initialize();
    try {
      expect(await userTables(dataSource)).toContain('practices');
      for (let i = 0; i < migrations.length; i += 1) {
        await dataSource.undoLastMigration({ transaction: 'each' });
      }
      expect(await userTables(dataSource)).toEqual([]);
      expect(await dataSource.query('SELECT * FROM schema_migrations')).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
    // And up again: down() must leave nothing behind that blocks a second up().
    expect(await runMigrations(config, url, TEST_APP_ROLE.name)).toHaveLength(migrations.length);
  });

  it('fill in what the dashboards read for records written before it was stored', async () => {
    const url = await createEmptyDatabase('backfill');
    await runMigrations(config, url, TEST_APP_ROLE.name);
    const dataSource = new DataSource(dataSourceOptions(config, url));
    await dataSource.initialize();
    const sql = <T>(text: string, params: unknown[] = []) => dataSource.query<T>(text, params);
    try {
      const later = migrations.length - migrations.indexOf(StoreDashboardFigures1763712900000);
      for (let i = 0; i < later; i += 1)
        await dataSource.undoLastMigration({ transaction: 'each' });
      const [practice] = await sql<{ id: string }[]>(
        `INSERT INTO practices (name, time_zone) VALUES ('Before', 'America/Chicago') RETURNING id`,
      );
      const p = practice!.id;
      const [staff] = await sql<{ id: string }[]>(
        `INSERT INTO staff (practice_id, email, first_name, last_name, role, password_hash)
         VALUES ($1, 'before@example.test', 'B', 'C', 'counselor', 'x') RETURNING id`,
        [p],
      );
      const [client] = await sql<{ id: string }[]>(
        `INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth, status, presenting_concerns)
         VALUES ($1, 1, 'A', 'B', '1990-01-01', 'active', '{}') RETURNING id`,
        [p],
      );
      const [mother] = await sql<{ id: string }[]>(
        `INSERT INTO family_members (practice_id, client_id, first_name, relationship, participation)
         VALUES ($1, $2, 'M', 'mother', 'participating') RETURNING id`,
        [p, client!.id],
      );
      const goal = async (ratings: number[]) => {
        const [row] = await sql<{ id: string }[]>(
          `INSERT INTO trust_goals (practice_id, client_id, party_a_family_member_id, party_b_family_member_id, strategy,
                                    description, lifecycle_status, baseline_rating, target_rating, start_date)
           VALUES ($1, $2, NULL, $3, 'consistency_and_reliability', 'G', 'active', 3, 8, current_date - 90) RETURNING id`,
          [p, client!.id, mother!.id],
        );
        for (const [i, rating] of ratings.entries()) {
          const [checkIn] = await sql<{ id: string }[]>(
            `INSERT INTO goal_check_ins (practice_id, client_id, goal_id, occurred_at, recorded_by)
             VALUES ($1, $2, $3, now() - make_interval(days => $4), $5) RETURNING id`,
            [p, client!.id, row!.id, 7 * (ratings.length - i), staff!.id],
          );
          await sql(
            `INSERT INTO goal_check_in_ratings (practice_id, goal_id, check_in_id, family_member_id, rating)
             VALUES ($1, $2, $3, NULL, $4), ($1, $2, $3, $5, $4)`,
            [p, row!.id, checkIn!.id, rating, mother!.id],
          );
        }
        return row!.id;
      };
      const falling = await goal([7, 6, 5, 4]);
      const rising = await goal([3, 4, 5, 6]);
      const none = await goal([]);
      const session = async (daysBack: number, note: 'signed' | 'draft' | null) => {
        const [row] = await sql<{ id: string }[]>(
          `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting, status, completed_at)
           VALUES ($1, $2, $3, now() - make_interval(days => $4), now() - make_interval(days => $4, mins => -50),
                   'individual', 'in_person', 'completed', now()) RETURNING id`,
          [p, client!.id, staff!.id, daysBack],
        );
        if (note) {
          await sql(
            `INSERT INTO session_notes (practice_id, client_id, session_id, author_id, format, content, status, signed_by,
                                        signed_at, content_hash)
             VALUES ($1, $2, $3, $4, 'free', '{"text":"t"}', $5, $4, now(), 'h')`,
            [p, client!.id, row!.id, staff!.id, note],
          );
        }
        return row!.id;
      };
      const signed = await session(3, 'signed');
      const draft = await session(2, 'draft');
      const missing = await session(1, null);

      await runMigrations(config, url, TEST_APP_ROLE.name);
      const goals = await sql<
        { id: string; suggested: string | null; days: number | null; recent: number }[]
      >(
        `SELECT id, suggested_achievement_status AS suggested,
                extract(day FROM now() - last_check_in_at)::int AS days,
                cardinality(recent_check_in_at) AS recent FROM trust_goals`,
      );
      // Check-ins 28, 21, 14 and 7 days back: all within the 30 days of recent commitments.
      expect(Object.fromEntries(goals.map((g) => [g.id, [g.suggested, g.days, g.recent]]))).toEqual(
        {
          [falling]: ['worsening', 7, 4],
          [rising]: ['improving', 7, 4],
          [none]: [null, null, 0],
        },
      );
      const sessions = await sql<{ id: string; note_status: string }[]>(
        `SELECT id, note_status FROM therapy_sessions`,
      );
      expect(Object.fromEntries(sessions.map((row) => [row.id, row.note_status]))).toEqual({
        [signed]: 'signed',
        [draft]: 'draft',
        [missing]: 'none',
      });
    } finally {
      await dataSource.destroy();
    }
  });

  it('leave nothing pending on the migrated template', async () => {
    expect(await runMigrations(config, await workerOwnerUrl(), TEST_APP_ROLE.name)).toEqual([]);
  });

  // There are no entities to compare the schema with: what the code reads is each row module's
  // column list, so each list runs against the migrated schema and answers exactly its row type.
  it("serve every row module's column list: each selects, and answers exactly its row type", async () => {
    expect(Object.keys(await columnListsOfRowModules()).sort()).toEqual(
      Object.keys(COLUMN_LISTS).sort(),
    );
    const lists = await columnListsOfRowModules();
    const client = new Client({ connectionString: await workerDatabaseUrl() });
    await client.connect();
    try {
      for (const [key, { from, row }] of Object.entries(COLUMN_LISTS)) {
        const result = await client.query(`SELECT ${lists[key]} FROM ${from} WHERE false`);
        const selected = result.fields.map((field) => field.name).sort();
        expect({ key, selected }).toEqual({ key, selected: rowTypeFields(key, row).sort() });
      }
    } finally {
      await client.end();
    }
  });
});

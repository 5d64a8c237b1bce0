import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PLATFORM_PRACTICE_ID } from '../../src/practices/platform-practice';
import { workerDatabaseUrl, workerOwnerUrl } from '../setup/test-database';
import { tenantKeyBreaches, tenantTables, type CatalogQuery } from '../setup/tenant-keys-catalog';

const FOREIGN_KEY_VIOLATION = '23503';
const CHECK_VIOLATION = '23514';

async function connected(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

const queryOf =
  (client: Client): CatalogQuery =>
  async <T>(sql: string, params: unknown[]) =>
    (await client.query(sql, params)).rows as T[];

/**
 * Issue 14: the schema can be distributed by practice, and a row of one practice can never point
 * at a row of another. The catalog check runs over whatever the migrations built, so a table born
 * without the composite keys fails here.
 */
describe('tenant keys', () => {
  let owner: Client;

  beforeAll(async () => {
    owner = await connected(await workerOwnerUrl());
  });
  afterAll(async () => {
    await owner?.end();
  });

  describe('the catalog check', () => {
    it('finds every tenant table keyed by practice and every foreign key composite', async () => {
      const tables = await tenantTables(queryOf(owner));
      // Not vacuous: the tables the issue names are among those checked.
      expect(tables).toEqual(
        expect.arrayContaining(['audit_events', 'audit_chain_links', 'clients', 'staff']),
      );
      expect(tables).not.toContain('practices');
      expect(tables).not.toContain('rate_limit_buckets');
      expect(await tenantKeyBreaches(queryOf(owner))).toEqual([]);
    });

    it('flags a table born wrong, for each of the three rules', async () => {
      await owner.query('BEGIN');
      try {
        await owner.query(`
          CREATE TABLE wrong_notes (
            id uuid NOT NULL,
            practice_id uuid,
            client_id uuid NOT NULL,
            token_hash bytea NOT NULL,
            CONSTRAINT pk_wrong_notes PRIMARY KEY (id),
            CONSTRAINT uq_wrong_notes_token UNIQUE (token_hash),
            CONSTRAINT uq_wrong_notes_client_token UNIQUE (client_id, token_hash)
          )`);
        // Composite, but pairing the row's client with the other table's practice.
        await owner.query(`
          CREATE TABLE wrong_links (
            practice_id uuid NOT NULL,
            id uuid NOT NULL,
            client_id uuid NOT NULL,
            note_id uuid NOT NULL,
            CONSTRAINT pk_wrong_links PRIMARY KEY (practice_id, id),
            CONSTRAINT fk_wrong_links_note FOREIGN KEY (note_id) REFERENCES wrong_notes (id),
            CONSTRAINT fk_wrong_links_client FOREIGN KEY (client_id, practice_id)
              REFERENCES clients (practice_id, id),
            CONSTRAINT fk_wrong_links_practice FOREIGN KEY (practice_id) REFERENCES practices (id)
          )`);
        expect(await tenantKeyBreaches(queryOf(owner))).toEqual([
          'foreign key not composite on practice_id: wrong_links.fk_wrong_links_client',
          'foreign key not composite on practice_id: wrong_links.fk_wrong_links_note',
          'no NOT NULL uuid practice_id: wrong_notes',
          'unique index not led by practice_id: wrong_notes.pk_wrong_notes',
          'unique index not led by practice_id: wrong_notes.uq_wrong_notes_client_token',
        ]);
      } finally {
        await owner.query('ROLLBACK');
      }
    });
  });

  describe('as the application role, a session of one practice', () => {
    let app: Client;
    let practiceA: string;
    let practiceB: string;
    let clientOfB: string;
    let counselorOfA: string;

    beforeAll(async () => {
      app = await connected(await workerDatabaseUrl());
      // Practices are created by the operator (the owner); the rest as the API would.
      const practices = await owner.query<{ id: string }>(
        `INSERT INTO practices (name) VALUES ('Keys A'), ('Keys B') RETURNING id`,
      );
      [practiceA, practiceB] = practices.rows.map((row) => row.id) as [string, string];
      const client = await app.query<{ id: string }>(
        `INSERT INTO clients (practice_id, client_number, first_name, last_name, date_of_birth)
         VALUES ($1, 1, 'Other', 'Practice', '1990-01-01') RETURNING id`,
        [practiceB],
      );
      clientOfB = client.rows[0]!.id;
      const staff = await app.query<{ id: string }>(
        `INSERT INTO staff (practice_id, email, first_name, last_name, role)
         VALUES ($1, $2, 'A', 'Counselor', 'counselor') RETURNING id`,
        [practiceA, `keys-${randomUUID()}@test.example`],
      );
      counselorOfA = staff.rows[0]!.id;
    });
    afterAll(async () => {
      await app?.end();
    });

    /** The error the database answers `sql` with; fails the test when it is accepted. */
    async function refusal(sql: string, params: unknown[]) {
      const error = await app.query(sql, params).then(
        () => undefined,
        (caught: { code?: string; constraint?: string }) => caught,
      );
      if (!error) throw new Error(`accepted: ${sql}`);
      return { code: error.code, constraint: error.constraint };
    }

    it('cannot name a client of another practice', async () => {
      expect(
        await refusal(
          `INSERT INTO family_members (practice_id, client_id, first_name, relationship)
           VALUES ($1, $2, 'Intruder', 'sibling')`,
          [practiceA, clientOfB],
        ),
      ).toEqual({ code: FOREIGN_KEY_VIOLATION, constraint: 'fk_family_members_client' });
      expect(
        await refusal(
          `INSERT INTO therapy_sessions (practice_id, client_id, counselor_id, starts_at, ends_at, modality, setting)
           VALUES ($1, $2, $3, now(), now() + interval '50 minutes', 'individual', 'in_person')`,
          [practiceA, clientOfB, counselorOfA],
        ),
      ).toEqual({ code: FOREIGN_KEY_VIOLATION, constraint: 'fk_therapy_sessions_client' });
    });

    it('cannot link an audit event of another practice into its chain', async () => {
      const event = await app.query<{ id: string; tx_id: string }>(
        `INSERT INTO audit_events (practice_id, actor_type, action, resource_type, outcome)
         VALUES ($1, 'system', 'read', 'client', 'success') RETURNING id, tx_id::text`,
        [practiceB],
      );
      const zero = Buffer.alloc(32);
      expect(
        await refusal(
          `INSERT INTO audit_chain_links (practice_id, seq, event_id, event_tx_id, event_hash, prev_hash, link_hash)
           VALUES ($1, 1, $2, $3::xid8, $4, $4, $4)`,
          [practiceA, event.rows[0]!.id, event.rows[0]!.tx_id, zero],
        ),
      ).toEqual({ code: FOREIGN_KEY_VIOLATION, constraint: 'fk_audit_chain_links_event' });
    });

    it('records an event of no practice under the reserved platform practice, where nobody signs in', async () => {
      const platform = await app.query<{ name: string }>(
        `SELECT name FROM practices WHERE id = $1`,
        [PLATFORM_PRACTICE_ID],
      );
      expect(platform.rows).toHaveLength(1);
      expect(
        await refusal(
          `INSERT INTO staff (practice_id, email, first_name, last_name, role)
           VALUES ($1, 'platform@test.example', 'P', 'Admin', 'admin')`,
          [PLATFORM_PRACTICE_ID],
        ),
      ).toEqual({ code: CHECK_VIOLATION, constraint: 'ck_staff_not_platform' });
      expect(
        await refusal(
          `INSERT INTO audit_events (practice_id, actor_type, action, resource_type, outcome)
           VALUES (NULL, 'anonymous', 'login_failed', 'session', 'failure')`,
          [],
        ),
      ).toMatchObject({ code: '23502' });
    });
  });
});

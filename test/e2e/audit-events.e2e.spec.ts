import { randomUUID } from 'node:crypto';
import type { Response as AgentResponse } from 'superagent';
import request from 'supertest';
import { AuditSealer } from '../../src/audit/audit-sealer';
import { createPractice, createStaff, type TestStaff } from '../factories/staff.factory';
import { bearer, loginAs } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

interface SeededEvent {
  occurredAt: string;
  action?: string;
  resourceType?: string;
  resourceId?: string | null;
  clientId?: string | null;
  actorId?: string | null;
  userAgent?: string | null;
  changedFields?: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects any response body as text (supertest only buffers text/* and JSON by itself). */
function asText(response: AgentResponse, callback: (error: Error | null, body: string) => void) {
  const stream = response as unknown as NodeJS.ReadableStream;
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (body += chunk));
  stream.on('end', () => callback(null, body));
}

/** Ids of a page of events, in order. */
const idsOf = (response: { body: unknown }): string[] =>
  (response.body as { data: { id: string }[] }).data.map((event) => event.id);

/** Fields named by a validation problem. */
const fieldsOf = (response: { body: unknown }): string[] =>
  (response.body as { errors: { field: string }[] }).errors.map((error) => error.field);

/** A small RFC 4180 reader, enough to check what the export writes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field || record.length) throw new Error('the CSV does not end with CRLF');
  return records;
}

describe('audit events API', () => {
  let testApp: TestApp;
  let admin: TestStaff;
  let counselor: TestStaff;
  let adminAuth: string;
  let otherAdminAuth: string;
  let practiceId: string;
  const clientA = randomUUID();
  const clientB = randomUUID();

  beforeAll(async () => {
    testApp = await startTestApp();
    const practice = await createPractice(testApp.dataSource);
    practiceId = practice.id;
    admin = await createStaff(testApp.dataSource, { practiceId, role: 'admin' });
    counselor = await createStaff(testApp.dataSource, { practiceId, role: 'counselor' });
    adminAuth = bearer(await loginAs(testApp.app, admin));
    const otherPractice = await createPractice(testApp.dataSource);
    const otherAdmin = await createStaff(testApp.dataSource, {
      practiceId: otherPractice.id,
      role: 'admin',
    });
    otherAdminAuth = bearer(await loginAs(testApp.app, otherAdmin));
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  const list = (query: Record<string, string | number>, auth = adminAuth) =>
    http().get('/api/v1/audit-events').query(query).set('Authorization', auth);

  /** Inserts an event as it would have been recorded at `occurredAt` (INSERT is allowed). */
  async function seed(event: SeededEvent): Promise<string> {
    const [row] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO audit_events (practice_id, occurred_at, actor_type, actor_id, actor_role, action,
         resource_type, resource_id, client_id, outcome, changed_fields, request_id, ip, user_agent,
         metadata)
       VALUES ($1, $2, 'staff', $3, 'counselor', $4, $5, $6, $7, 'success', $8, 'req-seed',
               '203.0.113.9', $9, '{"source": "seed"}')
       RETURNING id`,
      [
        practiceId,
        event.occurredAt,
        event.actorId ?? counselor.id,
        event.action ?? 'read',
        event.resourceType ?? 'client',
        event.resourceId ?? null,
        event.clientId ?? null,
        event.changedFields ?? [],
        event.userAgent ?? 'Mozilla/5.0',
      ],
    );
    if (!row) throw new Error('the seed insert returned no row');
    return row.id;
  }

  /** Seals the practice's chain until every event is linked. */
  async function settle(chainId: string) {
    const sealer = testApp.app.get(AuditSealer);
    const deadline = Date.now() + 15_000;
    for (;;) {
      await sealer.seal(chainId, { wait: true });
      if ((await sealer.countUnlinked(chainId, await sealer.head(chainId))) === 0) return;
      if (Date.now() > deadline) throw new Error('events stay unlinked');
      await sleep(20);
    }
  }

  const auditOf = (action: string, actorId: string) =>
    testApp.dataSource.query<
      { resource_type: string; client_id: string | null; metadata: object }[]
    >(
      `SELECT resource_type, client_id, metadata FROM audit_events
        WHERE action = $1 AND actor_id = $2 ORDER BY occurred_at DESC`,
      [action, actorId],
    );

  describe('access', () => {
    const paths = [
      '/api/v1/audit-events',
      '/api/v1/audit-events/export',
      '/api/v1/audit-events/verify',
    ];

    it('answers 401 without a token', async () => {
      for (const path of paths) {
        const response = await http().get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 401 });
      }
    });

    it('answers 403 to a counselor', async () => {
      const auth = bearer(await loginAs(testApp.app, counselor));
      for (const path of paths) {
        const response = await http()
          .get(path)
          .query({ from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' })
          .set('Authorization', auth);
        expect({ path, status: response.status }).toEqual({ path, status: 403 });
      }
    });

    it("shows an admin of another practice none of this practice's events", async () => {
      const id = await seed({ occurredAt: '2021-06-01T12:00:00Z', clientId: clientA });

      const all = await list({ limit: 200 }, otherAdminAuth).expect(200);
      expect(idsOf(all)).not.toContain(id);
      const byClient = await list({ clientId: clientA }, otherAdminAuth).expect(200);
      expect(byClient.body).toEqual({ data: [], nextCursor: null });
      const exported = await http()
        .get('/api/v1/audit-events/export')
        .query({ from: '2021-06-01T00:00:00Z', to: '2021-06-02T00:00:00Z' })
        .set('Authorization', otherAdminAuth)
        .buffer(true)
        .parse(asText)
        .expect(200);
      expect(exported.body).toBe('');
    });
  });

  describe('list', () => {
    it('answers events newest first, in camelCase, and audits the listing', async () => {
      const older = await seed({ occurredAt: '2021-01-10T09:00:00.000001Z', clientId: clientA });
      const newer = await seed({
        occurredAt: '2021-01-10T09:00:00.000002Z',
        action: 'update',
        clientId: clientA,
        resourceId: 'C-000123',
        changedFields: ['pronouns', 'phone'],
      });

      const response = await list({
        from: '2021-01-10T00:00:00Z',
        to: '2021-01-11T00:00:00Z',
      }).expect(200);

      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body.nextCursor).toBeNull();
      expect(idsOf(response)).toEqual([newer, older]);
      expect(response.body.data[0]).toEqual({
        id: newer,
        occurredAt: '2021-01-10T09:00:00.000002Z',
        actorType: 'staff',
        actorId: counselor.id,
        actorRole: 'counselor',
        action: 'update',
        resourceType: 'client',
        resourceId: 'C-000123',
        clientId: clientA,
        outcome: 'success',
        changedFields: ['pronouns', 'phone'],
        requestId: 'req-seed',
        ip: '203.0.113.9',
        userAgent: 'Mozilla/5.0',
      });
      const [audited] = await auditOf('list', admin.id);
      expect(audited).toMatchObject({
        resource_type: 'audit_event',
        metadata: { returned: 2, from: '2021-01-10T00:00:00Z' },
      });
    });

    it('filters by client, actor, action, resource type and time range', async () => {
      const day = (hour: number) => `2021-02-03T${String(hour).padStart(2, '0')}:00:00Z`;
      const ids = {
        clientA: await seed({ occurredAt: day(1), clientId: clientA }),
        clientB: await seed({ occurredAt: day(2), clientId: clientB }),
        byAdmin: await seed({ occurredAt: day(3), actorId: admin.id }),
        signed: await seed({ occurredAt: day(4), action: 'sign', resourceType: 'session_note' }),
        late: await seed({ occurredAt: day(20) }),
      };
      const range = { from: day(0), to: day(12) };
      const found = async (query: Record<string, string>) =>
        idsOf(await list({ ...range, ...query }).expect(200));

      expect(await found({ clientId: clientA })).toEqual([ids.clientA]);
      expect(await found({ clientId: clientB })).toEqual([ids.clientB]);
      expect(await found({ actorId: admin.id })).toEqual([ids.byAdmin]);
      expect(await found({ action: 'sign' })).toEqual([ids.signed]);
      expect(await found({ resourceType: 'session_note' })).toEqual([ids.signed]);
      expect(await found({ from: day(2), to: day(4) })).toEqual([ids.byAdmin, ids.clientB]);
      expect(await found({ to: day(21) })).toEqual([
        ids.late,
        ids.signed,
        ids.byAdmin,
        ids.clientB,
        ids.clientA,
      ]);
      const [audited] = await auditOf('list', admin.id);
      expect(audited?.client_id).toBeNull();
      await found({ clientId: clientA });
      expect((await auditOf('list', admin.id))[0]?.client_id).toBe(clientA);
    });

    it('pages through the range without duplicates or gaps, ties included', async () => {
      const seeded: string[] = [];
      // Ten events share one instant: the id breaks the tie.
      for (let i = 0; i < 10; i += 1)
        seeded.push(await seed({ occurredAt: '2021-03-05T10:00:00Z' }));
      for (let i = 0; i < 13; i += 1) {
        seeded.push(await seed({ occurredAt: `2021-03-05T11:${String(i).padStart(2, '0')}:00Z` }));
      }
      const query = { from: '2021-03-05T00:00:00Z', to: '2021-03-06T00:00:00Z', limit: 4 };

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const response = await list(cursor ? { ...query, cursor } : query).expect(200);
        pages.push(idsOf(response));
        cursor = response.body.nextCursor as string | null;
        // Events recorded while paging (the list calls themselves) never shift later pages.
        await seed({ occurredAt: '2021-03-05T23:59:59Z', resourceType: 'late_arrival' });
      } while (cursor);

      const walked = pages.flat();
      expect(pages.map((page) => page.length)).toEqual([4, 4, 4, 4, 4, 3]);
      expect(new Set(walked).size).toBe(walked.length);
      expect([...walked].sort()).toEqual([...seeded].sort());
      // Newest first: the 13 later events in reverse, then the ten tied ones.
      expect(walked.slice(0, 13)).toEqual(seeded.slice(10).reverse());
    });

    it('refuses malformed filters and cursors with 400 naming the field', async () => {
      const cases: [Record<string, string>, string][] = [
        [{ clientId: 'not-a-uuid' }, 'clientId'],
        [{ actorId: '42' }, 'actorId'],
        [{ action: 'delete' }, 'action'],
        [{ resourceType: 'Client; DROP' }, 'resourceType'],
        [{ from: '2021-01-01' }, 'from'],
        [{ to: '2021-01-01T10:00:00' }, 'to'],
        [{ from: '2021-01-02T00:00:00Z', to: '2021-01-01T00:00:00Z' }, 'to'],
        [{ cursor: 'bm90LWEtY3Vyc29y' }, 'cursor'],
        [{ cursor: Buffer.from('["x", 1]').toString('base64url') }, 'cursor'],
        [{ unknown: 'x' }, 'unknown'],
      ];
      for (const [query, field] of cases) {
        const response = await list(query);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(fieldsOf(response)).toContain(field);
      }
    });
  });

  describe('export', () => {
    const range = { from: '2021-04-01T00:00:00Z', to: '2021-04-02T00:00:00Z' };
    let seeded: string[];

    beforeAll(async () => {
      seeded = [
        await seed({ occurredAt: '2021-04-01T08:00:00Z', clientId: clientA }),
        await seed({
          occurredAt: '2021-04-01T09:00:00Z',
          action: 'update',
          changedFields: ['email', 'phone'],
          userAgent: 'Agent "quoted", with comma',
        }),
        await seed({ occurredAt: '2021-04-01T10:00:00Z', userAgent: '=HYPERLINK("x")' }),
      ];
      await seed({ occurredAt: '2021-04-02T00:00:00Z' }); // `to` is exclusive
      await settle(practiceId);
    });

    const exportAs = (format: string) =>
      http()
        .get('/api/v1/audit-events/export')
        .query({ ...range, format })
        .set('Authorization', adminAuth)
        .buffer(true)
        .parse(asText);

    const linksOf = async () =>
      new Map(
        (
          await testApp.dataSource.query<{ event_id: string; seq: number; link_hash: string }[]>(
            `SELECT event_id, seq::int AS seq, encode(link_hash, 'hex') AS link_hash
               FROM audit_chain_links WHERE event_id = ANY($1)`,
            [seeded],
          )
        ).map((link) => [link.event_id, link]),
      );

    it("streams NDJSON, oldest first, with each event's place in the chain", async () => {
      const response = await exportAs('ndjson').expect(200);

      expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(
        'attachment; filename="audit-events.ndjson"',
      );
      const body = response.body as string;
      expect(body.endsWith('\n')).toBe(true);
      const events = body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(events.map((event) => event.id)).toEqual(seeded);
      const links = await linksOf();
      events.forEach((event) => {
        const link = links.get(event.id as string);
        expect(link).toBeDefined();
        expect(event).toMatchObject({
          metadata: { source: 'seed' },
          chainSeq: link?.seq,
          linkHash: link?.link_hash,
        });
      });
      expect(events[1]).toMatchObject({
        occurredAt: '2021-04-01T09:00:00.000000Z',
        action: 'update',
        changedFields: ['email', 'phone'],
        userAgent: 'Agent "quoted", with comma',
      });
      const [audited] = await auditOf('export', admin.id);
      expect(audited).toMatchObject({
        resource_type: 'audit_event',
        metadata: { format: 'ndjson', ...range },
      });
    });

    it('streams CSV with a header row, RFC 4180 quoting and formulas neutralised', async () => {
      const response = await exportAs('csv').expect(200);

      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      const [header = [], ...records] = parseCsv(response.body as string);
      expect(header).toEqual([
        'id',
        'occurredAt',
        'actorType',
        'actorId',
        'actorRole',
        'action',
        'resourceType',
        'resourceId',
        'clientId',
        'outcome',
        'changedFields',
        'requestId',
        'ip',
        'userAgent',
        'metadata',
        'chainSeq',
        'linkHash',
      ]);
      const rows = records.map((record) =>
        Object.fromEntries(header.map((column, index) => [column, record[index]])),
      );
      expect(rows.map((row) => row.id)).toEqual(seeded);
      const firstLink = (await linksOf()).get(rows[0]?.id ?? '');
      expect(firstLink).toBeDefined();
      expect(rows[0]).toMatchObject({
        clientId: clientA,
        resourceId: '',
        metadata: '{"source":"seed"}',
        chainSeq: String(firstLink?.seq),
        linkHash: firstLink?.link_hash,
      });
      expect(rows[1]).toMatchObject({
        changedFields: 'email;phone',
        userAgent: 'Agent "quoted", with comma',
      });
      expect(rows[2]?.userAgent).toBe(`'=HYPERLINK("x")`);
    });

    it('streams a range larger than one read batch, each event once, oldest first', async () => {
      // 1,500 events, the first 700 at one instant, so that a batch boundary falls inside a tie.
      await testApp.dataSource.query(
        `INSERT INTO audit_events (practice_id, occurred_at, actor_type, action, resource_type, outcome)
         SELECT $1, '2021-07-01T10:00:00Z'::timestamptz + make_interval(secs => greatest(g - 700, 0)),
                'system', 'read', 'client', 'success'
           FROM generate_series(1, 1500) AS g`,
        [practiceId],
      );
      const response = await http()
        .get('/api/v1/audit-events/export')
        .query({ from: '2021-07-01T00:00:00Z', to: '2021-07-02T00:00:00Z' })
        .set('Authorization', adminAuth)
        .buffer(true)
        .parse(asText)
        .expect(200);

      const events = (response.body as string)
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: string; occurredAt: string });
      expect(events).toHaveLength(1500);
      expect(new Set(events.map((event) => event.id)).size).toBe(1500);
      const key = (event: { id: string; occurredAt: string }) => `${event.occurredAt} ${event.id}`;
      expect(events.map(key)).toEqual(events.map(key).sort());
    });

    it('refuses a missing or reversed range and an unknown format', async () => {
      const bad: [Record<string, string>, string][] = [
        [{ to: range.to }, 'from'],
        [{ from: range.from }, 'to'],
        [{ from: range.to, to: range.from }, 'to'],
        [{ ...range, format: 'xlsx' }, 'format'],
      ];
      for (const [query, field] of bad) {
        const response = await http()
          .get('/api/v1/audit-events/export')
          .query(query)
          .set('Authorization', adminAuth);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(fieldsOf(response)).toContain(field);
      }
    });
  });

  it('documents the three routes in OpenAPI, behind the bearer scheme', async () => {
    const { body } = await http().get('/docs-json').expect(200);
    const paths = (body as { paths: Record<string, { get: Record<string, unknown> }> }).paths;
    for (const path of ['', '/export', '/verify']) {
      const operation = paths[`/api/v1/audit-events${path}`]?.get;
      expect(operation).toMatchObject({ tags: ['audit'], security: [{ bearer: [] }] });
    }
    expect(paths['/api/v1/audit-events/export']?.get).toMatchObject({
      responses: { 200: { content: { 'application/x-ndjson': {}, 'text/csv': {} } } },
    });
  });

  describe('verify', () => {
    it("walks the practice's chain and audits the verification", async () => {
      await seed({ occurredAt: '2021-05-01T08:00:00Z' });
      const [{ count } = { count: -1 }] = await testApp.dataSource.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM audit_events WHERE practice_id = $1`,
        [practiceId],
      );

      const response = await http()
        .get('/api/v1/audit-events/verify')
        .set('Authorization', adminAuth)
        .expect(200);

      expect(response.body).toMatchObject({ ok: true, firstBrokenEventId: null });
      // Normally all linked; an unrelated transaction still open elsewhere may hold a few back.
      expect(response.body.checked + response.body.unsealed).toBe(count);
      expect(response.body.checked).toBeGreaterThan(0);
      const [audited] = await auditOf('verify', admin.id);
      expect(audited).toMatchObject({
        resource_type: 'audit_event',
        metadata: { ok: true, checked: response.body.checked },
      });
    });
  });
});

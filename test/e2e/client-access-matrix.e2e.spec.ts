import request from 'supertest';
import { createClient, grantEmergencyAccess, type TestClient } from '../factories/client.factory';
import { createTeam, createStaff, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

type Relationship =
  | 'on the care team'
  | 'supervisor of a member'
  | 'other counselor'
  | 'intake coordinator'
  | 'admin'
  | 'other practice'
  | 'emergency grant active'
  | 'emergency grant expired';

type Call = (
  http: request.Agent | ReturnType<typeof request>,
  client: TestClient,
  auth: string,
) => request.Test;

/** The endpoints that exist so far, each with the verb it needs. */
const ENDPOINTS: Record<string, { need: 'read' | 'write'; call: Call; ok: number }> = {
  'GET client': {
    need: 'read',
    ok: 200,
    call: (h, c, a) => h.get(`/api/v1/clients/${c.id}`).set('Authorization', a),
  },
  'PATCH client': {
    need: 'write',
    ok: 200,
    call: (h, c, a) =>
      h.patch(`/api/v1/clients/${c.id}`).set('Authorization', a).send({ pronouns: 'they/them' }),
  },
  'POST status': {
    need: 'write',
    ok: 200,
    call: (h, c, a) =>
      h.post(`/api/v1/clients/${c.id}/status`).set('Authorization', a).send({ status: 'on_hold' }),
  },
  'GET family members': {
    need: 'read',
    ok: 200,
    call: (h, c, a) => h.get(`/api/v1/clients/${c.id}/family-members`).set('Authorization', a),
  },
  'POST family member': {
    need: 'write',
    ok: 201,
    call: (h, c, a) =>
      h
        .post(`/api/v1/clients/${c.id}/family-members`)
        .set('Authorization', a)
        .send({ firstName: 'Ruth', relationship: 'mother' }),
  },
  'GET care team': {
    need: 'read',
    ok: 200,
    call: (h, c, a) => h.get(`/api/v1/clients/${c.id}/care-team`).set('Authorization', a),
  },
  'GET access log': {
    need: 'read',
    ok: 200,
    call: (h, c, a) => h.get(`/api/v1/clients/${c.id}/access-log`).set('Authorization', a),
  },
};

/** Expected answer per relationship: reach (read and write the record) or 404, as if it did not exist. */
const REACHES: Record<Relationship, boolean> = {
  'on the care team': true,
  'supervisor of a member': true,
  'other counselor': false,
  'intake coordinator': true,
  admin: true,
  'other practice': false,
  'emergency grant active': true,
  'emergency grant expired': false,
};

describe('client access: role × endpoint × relationship', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let outsider: Awaited<ReturnType<typeof createTeam>>;
  let supervisee: TestStaff;
  let emergencyActive: TestStaff;
  let emergencyExpired: TestStaff;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    outsider = await createTeam(testApp.dataSource);
    const practiceId = team.practice.id;
    supervisee = await createStaff(testApp.dataSource, {
      practiceId,
      role: 'counselor',
      supervisorId: team.supervisor.id,
    });
    emergencyActive = await createStaff(testApp.dataSource, { practiceId, role: 'counselor' });
    emergencyExpired = await createStaff(testApp.dataSource, { practiceId, role: 'counselor' });
    for (const staff of [
      team.counselor,
      team.supervisor,
      team.trainee,
      team.intake,
      team.admin,
      outsider.admin,
      emergencyActive,
      emergencyExpired,
    ]) {
      tokens.set(staff.id, bearer(await tokenFor(testApp.app, staff)));
    }
  });
  afterAll(() => testApp.close());

  /** A fresh client whose primary counselor is the supervisor's supervisee, for one cell. */
  async function scenario(
    relationship: Relationship,
  ): Promise<{ client: TestClient; auth: string }> {
    const client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: supervisee.id,
    });
    const who: Record<Relationship, TestStaff> = {
      'on the care team': team.counselor,
      'supervisor of a member': team.supervisor,
      'other counselor': team.trainee,
      'intake coordinator': team.intake,
      admin: team.admin,
      'other practice': outsider.admin,
      'emergency grant active': emergencyActive,
      'emergency grant expired': emergencyExpired,
    };
    if (relationship === 'on the care team') {
      await testApp.dataSource.query(
        `INSERT INTO care_team_members (practice_id, client_id, staff_id, role) VALUES ($1, $2, $3, 'co_therapist')`,
        [client.practiceId, client.id, team.counselor.id],
      );
    }
    if (relationship === 'emergency grant active')
      await grantEmergencyAccess(testApp.dataSource, client, emergencyActive.id, 30);
    if (relationship === 'emergency grant expired')
      await grantEmergencyAccess(testApp.dataSource, client, emergencyExpired.id, -30);
    return { client, auth: tokens.get(who[relationship].id)! };
  }

  const cells = Object.keys(REACHES).flatMap((relationship) =>
    Object.keys(ENDPOINTS).map((endpoint) => [relationship as Relationship, endpoint] as const),
  );

  it.each(cells)('%s → %s', async (relationship, endpoint) => {
    const { client, auth } = await scenario(relationship);
    const { call, ok } = ENDPOINTS[endpoint]!;
    const response = await call(request(testApp.app.getHttpServer()), client, auth);
    const expected = REACHES[relationship] ? ok : 404;
    expect({ relationship, endpoint, status: response.status }).toEqual({
      relationship,
      endpoint,
      status: expected,
    });
    if (expected === 404) {
      expect(response.body.type).toBe('urn:family-therapy:problem:not-found');
      // The denial is on record; the client is named only within its own practice.
      const denials = await testApp.dataSource.query<
        { client_id: string | null; practice_id: string }[]
      >(
        `SELECT client_id, practice_id FROM audit_events WHERE action = 'access_denied' AND resource_id = $1`,
        [client.id],
      );
      const samePractice = relationship !== 'other practice';
      expect(denials).toEqual([
        {
          client_id: samePractice ? client.id : null,
          practice_id: samePractice ? team.practice.id : outsider.practice.id,
        },
      ]);
    } else {
      // Nothing was written on a refused call; a permitted one leaves its own event.
      const [event] = await testApp.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_events WHERE client_id = $1 AND outcome = 'success'`,
        [client.id],
      );
      expect(event!.n).toBeGreaterThan(0);
    }
  });

  it.each(Object.entries(REACHES))(
    'the client list shows the client exactly when %s reaches it',
    async (relationship, reaches) => {
      const { client, auth } = await scenario(relationship as Relationship);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await request(testApp.app.getHttpServer())
          .get('/api/v1/clients')
          .query({ limit: 200, ...(cursor ? { cursor } : {}) })
          .set('Authorization', auth)
          .expect(200);
        seen.push(...(page.body.data as { id: string }[]).map((row) => row.id));
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      expect(seen.includes(client.id)).toBe(reaches);
    },
  );

  it.each([
    ['other counselor', 201],
    ['on the care team', 409],
    ['intake coordinator', 403],
    ['admin', 403],
    ['other practice', 403],
  ] as const)('emergency access requested by %s answers %i', async (relationship, status) => {
    const { client, auth } = await scenario(relationship);
    const response = await request(testApp.app.getHttpServer())
      .post(`/api/v1/clients/${client.id}/emergency-access`)
      .set('Authorization', auth)
      .send({ reason: 'Client called in crisis; the primary counselor cannot be reached.' })
      .expect(status);
    if (status === 201) {
      expect(response.body).toMatchObject({ clientId: client.id, active: true });
      const minutes =
        (Date.parse(response.body.expiresAt) - Date.parse(response.body.grantedAt)) / 60_000;
      expect(minutes).toBeCloseTo(60, 5);
      // With the grant, the record opens, and the read is audited as through emergency access.
      await request(testApp.app.getHttpServer())
        .get(`/api/v1/clients/${client.id}`)
        .set('Authorization', auth)
        .expect(200);
      const events = await testApp.dataSource.query<{ action: string; via: string | null }[]>(
        `SELECT action, metadata ->> 'via' AS via FROM audit_events WHERE client_id = $1 AND outcome = 'success' ORDER BY occurred_at`,
        [client.id],
      );
      expect(events).toEqual([
        { action: 'emergency_access', via: null },
        { action: 'read', via: 'emergency' },
      ]);
    }
  });
});

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import {
  createFamilyTherapyClient,
  type FamilyTherapyClient,
  type Schema,
} from '../../clients/typescript/src/index';
import { addFamilyMember, createClient } from '../factories/client.factory';
import { createTeam, type TestStaff } from '../factories/staff.factory';
import { startTestApp, type TestApp } from '../setup/test-app';
import { DELIVERING_ENV, startReceiver, type WebhookReceiver } from './webhook-receiver';

type EventType = Schema<'CreateWebhookEndpointDto'>['eventTypes'][number];
/** A delivery's body (the document does not describe it yet): a type, a time and ids only. */
interface WebhookEvent {
  type: EventType;
  timestamp: string;
  data: Record<string, string>;
}

/** The body of a successful answer; otherwise the test fails showing the problem the API sent. */
function ok<Data>(result: { data?: Data; error?: unknown; response: Response }): Data {
  if (!result.response.ok || result.data === undefined)
    throw new Error(
      `${result.response.url}: ${result.response.status} ${JSON.stringify(result.error)}`,
    );
  return result.data;
}

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

const SOAP = {
  subjective: 'Maya reports three weeks sober; Grace is worried about late nights.',
  objective: 'Calm and engaged; Grace attended.',
  assessment: 'Trust rebuilding on track.',
  plan: 'Keep the agreed evening check-in call.',
};

/**
 * The generated TypeScript client (clients/typescript) against the real API on 127.0.0.1: every
 * call below is checked against the OpenAPI document at compile time, and answered over HTTP.
 */
describe('the generated TypeScript client', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  let baseUrl: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    testApp = await startTestApp({ env: DELIVERING_ENV });
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await testApp?.close();
    await receiver?.close();
  });

  /** Signs in through the generated client and returns a client carrying the access token. */
  async function signIn(staff: TestStaff): Promise<FamilyTherapyClient> {
    const anonymous = createFamilyTherapyClient({ baseUrl });
    const tokens = ok(
      await anonymous.POST('/api/v1/auth/login', {
        body: { email: staff.email, password: staff.password },
      }),
    );
    return createFamilyTherapyClient({ baseUrl, token: tokens.accessToken });
  }

  /** A practice with a counselor whose active client Maya has her mother Grace in the family. */
  async function practice() {
    const team = await createTeam(testApp.dataSource);
    const client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
      firstName: 'Maya',
    });
    const mother = await addFamilyMember(testApp.dataSource, client, 'mother', 'Grace');
    return { ...team, client, mother };
  }

  it("runs a counselor's day: clients, a session, its signed note, a check-in, the dashboard", async () => {
    const { counselor, client, mother } = await practice();
    const api = await signIn(counselor);

    const clients = ok(
      await api.GET('/api/v1/clients', { params: { query: { status: ['active'], limit: 20 } } }),
    );
    expect(clients.data.map((c) => [c.id, c.firstName])).toEqual([[client.id, 'Maya']]);

    const scheduled = await api.POST('/api/v1/therapy-sessions', {
      params: { header: { 'Idempotency-Key': randomUUID() } },
      body: {
        clientId: client.id,
        startsAt: hoursAgo(2),
        endsAt: hoursAgo(1.2),
        modality: 'family',
        setting: 'in_person',
      },
    });
    const session = ok(scheduled);
    expect(scheduled.response.status).toBe(201);
    expect(scheduled.response.headers.get('Location')).toBe(
      `/api/v1/therapy-sessions/${session.id}`,
    );
    expect(session).toMatchObject({ status: 'scheduled', counselorId: counselor.id });
    const path = { sessionId: session.id };

    const completed = ok(
      await api.POST('/api/v1/therapy-sessions/{sessionId}/complete', {
        params: { path },
        body: {
          attendees: [{ party: 'client' }, { party: 'family_member', familyMemberId: mother }],
        },
      }),
    );
    expect(completed.status).toBe('completed');
    const before = ok(await api.GET('/api/v1/dashboard'));
    expect(before.notes.toWrite.map((task) => task.sessionId)).toEqual([session.id]);

    ok(
      await api.POST('/api/v1/therapy-sessions/{sessionId}/note', {
        params: { path, header: { 'Idempotency-Key': randomUUID() } },
        body: { format: 'soap', content: SOAP, riskLevel: 'low' },
      }),
    );
    const signed = ok(
      await api.POST('/api/v1/therapy-sessions/{sessionId}/note/sign', { params: { path } }),
    );
    expect(signed).toMatchObject({ status: 'signed', signedBy: counselor.id, content: SOAP });
    expect(signed.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // Error answers are typed too: a signed note is locked, and the problem says so.
    const again = await api.POST('/api/v1/therapy-sessions/{sessionId}/note/sign', {
      params: { path },
    });
    expect(again.data).toBeUndefined();
    expect(again.error?.status).toBe(409);
    expect(again.error?.type).toMatch(/^urn:family-therapy:problem:/);

    const goals = { clientId: client.id };
    const goal = ok(
      await api.POST('/api/v1/clients/{clientId}/trust-goals', {
        params: { path: goals },
        body: {
          parties: [{ party: 'client' }, { party: 'family_member', familyMemberId: mother }],
          strategy: 'consistency_and_reliability',
          description: 'Grace can count on Maya’s word again.',
          baselineRating: 3,
          targetRating: 7,
          lifecycleStatus: 'active',
        },
      }),
    );
    const checkIn = ok(
      await api.POST('/api/v1/clients/{clientId}/trust-goals/{goalId}/check-ins', {
        params: { path: { ...goals, goalId: goal.id } },
        body: {
          occurredAt: hoursAgo(1),
          sessionId: session.id,
          ratings: [
            { party: 'client', rating: 6 },
            { party: 'family_member', familyMemberId: mother, rating: 5 },
          ],
          commitmentsKept: 3,
        },
      }),
    );
    expect(checkIn).toMatchObject({ goalId: goal.id, sessionId: session.id, commitmentsKept: 3 });
    expect(checkIn.ratings).toHaveLength(2);

    const dashboard = ok(await api.GET('/api/v1/dashboard'));
    expect(dashboard.counselorId).toBe(counselor.id);
    expect(dashboard.caseload.total).toBe(1);
    expect(dashboard.notes.toWrite).toEqual([]);
  });

  it('syncs practice software: an API key pages the change feed and a signed webhook arrives', async () => {
    const { admin, counselor, client, mother } = await practice();
    const adminApi = await signIn(admin);
    const registered = ok(
      await adminApi.POST('/api/v1/api-clients', {
        body: {
          name: 'Practice software',
          scopes: ['clients:read', 'sessions:read', 'notes:read', 'webhooks:manage'],
        },
      }),
    );
    expect(registered.key).toMatch(/^ftk_live_[A-Za-z0-9_-]+$/);
    const sync = createFamilyTherapyClient({ baseUrl, apiKey: registered.key });

    const endpoint = ok(
      await sync.POST('/api/v1/webhook-endpoints', {
        body: { url: receiver.url, eventTypes: ['session.scheduled'] },
      }),
    );
    const counselorApi = await signIn(counselor);
    const session = ok(
      await counselorApi.POST('/api/v1/therapy-sessions', {
        body: {
          clientId: client.id,
          startsAt: '2027-03-01T15:00:00Z',
          endsAt: '2027-03-01T15:50:00Z',
          modality: 'family',
          setting: 'telehealth',
        },
      }),
    );

    // Small pages, so that following `nextCursor` is what finds everything.
    const seen: Schema<'ChangeView'>[] = [];
    let cursor: string | undefined;
    const deadline = Date.now() + 15_000;
    while (!seen.some((change) => change.id === session.id) && Date.now() < deadline) {
      const page = ok(
        await sync.GET('/api/v1/changes', { params: { query: { limit: 2, cursor } } }),
      );
      seen.push(...page.data);
      cursor = page.nextCursor;
      // The feed stops below transactions still open, so the newest change can take a moment.
      if (!page.hasMore) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen.map(({ resourceType, id, change }) => ({ resourceType, id, change }))).toEqual(
      expect.arrayContaining([
        { resourceType: 'client', id: client.id, change: 'upserted' },
        { resourceType: 'family_member', id: mother, change: 'upserted' },
        { resourceType: 'therapy_session', id: session.id, change: 'upserted' },
      ]),
    );

    const [delivery] = await receiver.waitFor(1);
    const event = new Webhook(endpoint.secret).verify(
      delivery!.body,
      delivery!.headers as Record<string, string>,
    ) as WebhookEvent;
    expect(event).toMatchObject({
      type: 'session.scheduled',
      data: { clientId: client.id, sessionId: session.id },
    });
    expect(delivery!.body).not.toMatch(/Maya|Grace/);
    // The event carries ids only; the practice software reads the record with its key.
    const fetched = ok(
      await sync.GET('/api/v1/therapy-sessions/{sessionId}', {
        params: { path: { sessionId: event.data.sessionId! } },
      }),
    );
    expect(fetched).toMatchObject({ id: session.id, setting: 'telehealth' });
  });
});

import { randomUUID } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CLS_ID, ClsService } from 'nestjs-cls';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import type { StaffActor } from '../../src/common/actor/actor';
import { ClientCreationService } from '../../src/clients/client-creation.service';
import { WebhookOutbox } from '../../src/webhooks/webhook-outbox';
import { createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { DELIVERING_ENV, startReceiver, type WebhookReceiver } from './webhook-receiver';

describe('webhook delivery', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    testApp = await startTestApp({ env: DELIVERING_ENV });
  });
  afterAll(() => testApp?.close());
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  const http = () => request(testApp.app.getHttpServer());

  async function subscribe(admin: TestStaff, eventTypes: string[]) {
    const token = await tokenFor(testApp.app, admin);
    const response = await http()
      .post('/api/v1/webhook-endpoints')
      .set('Authorization', bearer(token))
      .send({ url: receiver.url, eventTypes })
      .expect(201);
    return { token, endpoint: response.body as { id: string; secret: string } };
  }

  async function createClientOverHttp(token: string, firstName = 'Maya') {
    const response = await http()
      .post('/api/v1/clients')
      .set('Authorization', bearer(token))
      .send({ firstName, lastName: 'Okafor', dateOfBirth: '1988-03-02' })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  /** The endpoint's delivery log once nothing in it is pending or in flight. */
  async function settledDeliveries(token: string, endpointId: string) {
    for (let tries = 0; ; tries++) {
      const log = await http()
        .get(`/api/v1/webhook-endpoints/${endpointId}/deliveries`)
        .set('Authorization', bearer(token))
        .expect(200);
      const data = log.body.data as { status: string }[];
      if (data.every((d) => d.status === 'succeeded' || d.status === 'failed') || tries > 100)
        return data;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('delivers a signed event that the Standard Webhooks library verifies, with ids only', async () => {
    const { admin, practice } = await createTeam(testApp.dataSource);
    const { token, endpoint } = await subscribe(admin, ['client.created']);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const clientId = await createClientOverHttp(token, 'Zanetta');
    const [delivered] = await receiver.waitFor(1);

    const verified = new Webhook(endpoint.secret).verify(
      delivered!.body,
      delivered!.headers as Record<string, string>,
    ) as { type: string; data: Record<string, string> };
    expect(verified).toMatchObject({
      type: 'client.created',
      data: { practiceId: practice.id, clientId },
    });
    expect(delivered!.body).not.toMatch(/Zanetta|Okafor|1988/);
    // A tampered body fails verification: the signature covers it.
    expect(() =>
      new Webhook(endpoint.secret).verify(
        delivered!.body.replace(clientId, randomUUID()),
        delivered!.headers as Record<string, string>,
      ),
    ).toThrow();

    expect(await settledDeliveries(token, endpoint.id)).toEqual([
      expect.objectContaining({
        eventId: delivered!.headers['webhook-id'],
        eventType: 'client.created',
        status: 'succeeded',
        attempts: 1,
        lastStatusCode: 200,
        lastLatencyMs: expect.any(Number),
      }),
    ]);
  });

  it('retries a failing receiver and delivers on the fourth attempt with the same webhook-id', async () => {
    const { admin } = await createTeam(testApp.dataSource);
    const { token, endpoint } = await subscribe(admin, ['client.created']);
    receiver.answers.push(500, 503, 502);

    await createClientOverHttp(token);
    const attempts = await receiver.waitFor(4);

    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map((attempt) => attempt.headers['webhook-id'])).size).toBe(1);
    for (const attempt of attempts) {
      expect(() =>
        new Webhook(endpoint.secret).verify(
          attempt.body,
          attempt.headers as Record<string, string>,
        ),
      ).not.toThrow();
    }
    // The receiver answered; the worker records the outcome right after.
    const [settled] = await settledDeliveries(token, endpoint.id);
    expect(settled).toMatchObject({
      status: 'succeeded',
      attempts: 4,
      lastStatusCode: 200,
    });
  });

  it('emits nothing for a change that rolls back', async () => {
    const { admin, practice } = await createTeam(testApp.dataSource);
    await subscribe(admin, ['client.created', 'client.updated']);
    const actor: StaffActor = {
      kind: 'staff',
      id: admin.id,
      practiceId: practice.id,
      role: 'admin',
    };
    const cls = testApp.app.get(ClsService);
    const txHost = testApp.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    const creation = testApp.app.get(ClientCreationService);
    const outbox = testApp.app.get(WebhookOutbox);

    await expect(
      cls.run(() => {
        cls.set(CLS_ID, randomUUID());
        cls.set('actor', actor);
        return txHost.withTransaction(async () => {
          // The real use case emits client.created inside the transaction...
          await creation.create(actor, {
            firstName: 'Rolled',
            lastName: 'Back',
            dateOfBirth: '1990-01-01',
          });
          await outbox.emit('client.updated', { practiceId: practice.id, clientId: randomUUID() });
          // ...and then the change fails.
          throw new Error('the change fails after emitting');
        });
      }),
    ).rejects.toThrow('the change fails after emitting');

    const [row] = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM webhook_events WHERE practice_id = $1`,
      [practice.id],
    );
    expect(row?.count).toBe(0);
    // A committed change afterwards is delivered, and is the only thing the receiver ever got.
    const token = await tokenFor(testApp.app, admin);
    const committed = await createClientOverHttp(token);
    const [delivered] = await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(delivered!.body)).toMatchObject({ data: { clientId: committed } });
  });
});

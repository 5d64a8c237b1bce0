import request from 'supertest';
import { WebhookDeliveryService } from '../../src/webhooks/webhook-delivery.service';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';
import { DELIVERING_ENV, startReceiver, type WebhookReceiver } from './webhook-receiver';

const EVENTS = 80;

/** Two API processes on one database, each with its delivery worker, as replicas run. */
describe('webhook delivery across replicas', () => {
  let first: TestApp;
  let second: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    const databaseUrl = await isolatedDatabaseUrl('webhook_replicas');
    const env = { ...DELIVERING_ENV, WEBHOOK_POLL_INTERVAL_MS: '10' };
    first = await startTestApp({ databaseUrl, env });
    second = await startTestApp({ databaseUrl, env });
    receiver = await startReceiver();
    // Slow answers keep a batch in flight while the other replica polls.
    receiver.delayMs = 30;
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await receiver?.close();
  });

  it('delivers each event exactly once, however the two workers interleave', async () => {
    const sent = new Map<TestApp, number>();
    for (const app of [first, second]) {
      const deliveries = app.app.get(WebhookDeliveryService);
      const deliverDue = deliveries.deliverDue.bind(deliveries);
      jest.spyOn(deliveries, 'deliverDue').mockImplementation(async (shouldStop) => {
        const count = await deliverDue(shouldStop);
        sent.set(app, (sent.get(app) ?? 0) + count);
        return count;
      });
    }
    const { admin } = await createTeam(first.dataSource);
    const tokens = [await tokenFor(first.app, admin), await tokenFor(second.app, admin)];
    await request(first.app.getHttpServer())
      .post('/api/v1/webhook-endpoints')
      .set('Authorization', bearer(tokens[0]!))
      .send({ url: receiver.url, eventTypes: ['client.created'] })
      .expect(201);

    // Events are written by both replicas, a few at a time.
    const apps = [first, second];
    for (let batch = 0; batch < EVENTS / 8; batch++) {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          request(apps[i % 2]!.app.getHttpServer())
            .post('/api/v1/clients')
            .set('Authorization', bearer(tokens[i % 2]!))
            .send({
              firstName: 'Replica',
              lastName: `Test${batch}x${i}`,
              dateOfBirth: '1990-01-01',
            })
            .expect(201),
        ),
      );
    }
    await receiver.waitFor(EVENTS, 30_000);
    // Long enough for a duplicate, had there been one, to arrive too.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const ids = receiver.received.map((webhook) => webhook.headers['webhook-id']);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids).size).toBe(EVENTS);
    // Both workers took part, so the test did exercise the claiming between them.
    expect(sent.get(first)).toBeGreaterThan(0);
    expect(sent.get(second)).toBeGreaterThan(0);
    expect((sent.get(first) ?? 0) + (sent.get(second) ?? 0)).toBe(EVENTS);
  });
});

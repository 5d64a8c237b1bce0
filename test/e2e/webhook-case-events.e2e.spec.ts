import { randomUUID } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CLS_ID, ClsService } from 'nestjs-cls';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import type { StaffActor } from '../../src/common/actor/actor';
import { CasesService } from '../../src/cases/cases.service';
import { createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { DELIVERING_ENV, startReceiver, type WebhookReceiver } from './webhook-receiver';

/** A label that is a surname: it must never leave in a webhook. */
const LABEL = 'Okonkwo-Marsh';

describe('webhooks: case events', () => {
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
    const response = await http()
      .post('/api/v1/webhook-endpoints')
      .set('Authorization', bearer(await tokenFor(testApp.app, admin)))
      .send({ url: receiver.url, eventTypes })
      .expect(201);
    return response.body as { id: string; secret: string };
  }

  it('delivers case.opened, signed, with ids only; other case events to their subscribers', async () => {
    const { admin, counselor, practice } = await createTeam(testApp.dataSource);
    const endpoint = await subscribe(admin, ['case.opened']);
    const counselorAuth = bearer(await tokenFor(testApp.app, counselor));
    const opened = await http()
      .post('/api/v1/cases')
      .set('Authorization', counselorAuth)
      .send({ type: 'family', label: LABEL, presentingReason: 'Rebuilding trust at home' })
      .expect(201);
    const caseId = (opened.body as { id: string }).id;
    await http()
      .patch(`/api/v1/cases/${caseId}`)
      .set('Authorization', counselorAuth)
      .send({ label: `${LABEL} family` })
      .expect(200);

    const [delivered] = await receiver.waitFor(1);
    const headers = delivered!.headers as Record<string, string>;
    const verified = new Webhook(endpoint.secret).verify(delivered!.body, headers) as {
      type: string;
      data: Record<string, string>;
    };
    expect(verified).toMatchObject({
      type: 'case.opened',
      data: { practiceId: practice.id, caseId },
    });
    expect(Object.keys(verified.data).sort()).toEqual(['caseId', 'practiceId']);
    expect(delivered!.body).not.toContain(LABEL);
    expect(delivered!.body).not.toContain('Rebuilding');
    // Only the subscribed type: the update was not delivered.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(1);

    const watcher = await subscribe(admin, [
      'case.updated',
      'case.status_changed',
      'case.entered_in_error',
      'case.member_added',
    ]);
    await http()
      .patch(`/api/v1/cases/${caseId}`)
      .set('Authorization', counselorAuth)
      .send({ presentingReason: 'Something else' })
      .expect(200);
    await http()
      .post(`/api/v1/cases/${caseId}/members`)
      .set('Authorization', counselorAuth)
      .send({ newPerson: { firstName: 'Ada', lastName: LABEL }, role: 'parent' })
      .expect(201);
    await http()
      .post(`/api/v1/cases/${caseId}/status`)
      .set('Authorization', counselorAuth)
      .send({ status: 'on_hold' })
      .expect(200);
    await http()
      .post(`/api/v1/cases/${caseId}/entered-in-error`)
      .set('Authorization', bearer(await tokenFor(testApp.app, admin)))
      .send({ reason: 'Opened twice' })
      .expect(200);
    const events = await testApp.dataSource.query<{ type: string; payload: object }[]>(
      `SELECT e.type, e.payload FROM webhook_events e
         JOIN webhook_deliveries d ON d.practice_id = e.practice_id AND d.event_id = e.id
        WHERE d.practice_id = $1 AND d.endpoint_id = $2 ORDER BY e.created_at`,
      [practice.id, watcher.id],
    );
    expect(events.map((event) => event.type)).toEqual([
      'case.updated',
      'case.member_added',
      'case.status_changed',
      'case.entered_in_error',
    ]);
    expect(JSON.stringify(events)).not.toContain(LABEL);
    expect(events.every((event) => JSON.stringify(event).includes(caseId))).toBe(true);
  });

  it('reports a client created with their case as client.created and case.opened', async () => {
    const { admin, counselor, practice } = await createTeam(testApp.dataSource);
    await subscribe(admin, ['client.created', 'case.opened']);
    const created = await http()
      .post('/api/v1/clients')
      .set('Authorization', bearer(await tokenFor(testApp.app, counselor)))
      .send({
        firstName: 'Maya',
        lastName: LABEL,
        dateOfBirth: '1988-03-02',
        case: { type: 'family' },
      })
      .expect(201);
    const { id: clientId, caseId } = created.body as { id: string; caseId: string };
    const received = await receiver.waitFor(2);
    const bodies = received.map((hook) => JSON.parse(hook.body) as { type: string; data: object });
    expect(bodies.map((body) => body.type).sort()).toEqual(['case.opened', 'client.created']);
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'case.opened',
          data: { practiceId: practice.id, caseId },
        }),
        expect.objectContaining({
          type: 'client.created',
          data: { practiceId: practice.id, clientId },
        }),
      ]),
    );
    expect(received.map((hook) => hook.body).join()).not.toContain(LABEL);
  });

  it('emits nothing, and logs no change, for a case opening that rolls back', async () => {
    const { admin, practice } = await createTeam(testApp.dataSource);
    await subscribe(admin, ['case.opened']);
    const actor: StaffActor = {
      kind: 'staff',
      id: admin.id,
      practiceId: practice.id,
      role: 'admin',
    };
    const cls = testApp.app.get(ClsService);
    const txHost = testApp.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    const cases = testApp.app.get(CasesService);

    await expect(
      cls.run(() => {
        cls.set(CLS_ID, randomUUID());
        cls.set('actor', actor);
        return txHost.withTransaction(async () => {
          await cases.create(actor, { type: 'family', label: LABEL });
          throw new Error('the change fails after emitting');
        });
      }),
    ).rejects.toThrow('the change fails after emitting');

    const [row] = await testApp.dataSource.query<{ events: number; changes: number }[]>(
      `SELECT (SELECT count(*)::int FROM webhook_events WHERE practice_id = $1) AS events,
              (SELECT count(*)::int FROM change_log WHERE practice_id = $1) AS changes`,
      [practice.id],
    );
    expect(row).toEqual({ events: 0, changes: 0 });

    // The same opening, committed, is delivered: the subscription itself works.
    const committed = await http()
      .post('/api/v1/cases')
      .set('Authorization', bearer(await tokenFor(testApp.app, admin)))
      .send({ type: 'family', label: LABEL })
      .expect(201);
    const [delivered] = await receiver.waitFor(1);
    expect(JSON.parse(delivered!.body)).toMatchObject({
      type: 'case.opened',
      data: { caseId: (committed.body as { id: string }).id },
    });
  });
});

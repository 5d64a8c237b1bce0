import ICAL from 'ical.js';
import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

const HOUR = 3_600_000;

/**
 * A joint session of a family case in a clinician's calendar feed: the case's label is usually the
 * family's surname and its attendees are several people, so the feed shows neither the label nor
 * anyone's name or initials — only the modality and the booking client's number.
 */
describe('calendar feeds: sessions of a case', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());

  it('shows a joint session without the case label or any attendee’s name or initials', async () => {
    const team = await createTeam(testApp.dataSource);
    const auth = bearer(await tokenFor(testApp.app, team.counselor));
    const practiceId = team.practice.id;
    const client = (firstName: string) =>
      createClient(testApp.dataSource, {
        practiceId,
        primaryCounselorId: team.counselor.id,
        firstName,
        lastName: 'Okafor',
      });
    const maya = await client('Maya');
    const grace = await client('Grace');
    const opened = await http()
      .post('/api/v1/cases')
      .set('Authorization', auth)
      .send({ type: 'family', label: 'Okafor-Whitcombe household' })
      .expect(201);
    const caseId = (opened.body as { id: string }).id;
    const persons: string[] = [];
    for (const body of [
      { clientId: maya.id, role: 'identified_client' },
      { clientId: grace.id, role: 'parent' },
      { newPerson: { firstName: 'Chidi', lastName: 'Okafor' }, role: 'sibling' },
    ]) {
      const added = await http()
        .post(`/api/v1/cases/${caseId}/members`)
        .set('Authorization', auth)
        .send(body)
        .expect(201);
      persons.push((added.body as { personId: string }).personId);
    }

    const at = (hours: number) =>
      new Date(Math.floor(Date.now() / HOUR) * HOUR + hours * HOUR).toISOString();
    const book = async (hours: number, caseOf?: string) => {
      const created = await http()
        .post('/api/v1/therapy-sessions')
        .set('Authorization', auth)
        .send({
          clientId: maya.id,
          caseId: caseOf,
          startsAt: at(hours),
          endsAt: at(hours + 1),
          modality: caseOf ? 'family' : 'individual',
          setting: 'in_person',
          location: 'Room 2',
        })
        .expect(201);
      return (created.body as { id: string }).id;
    };
    const held = await book(-48, caseId);
    await http()
      .post(`/api/v1/therapy-sessions/${held}/complete`)
      .set('Authorization', auth)
      .send({
        attendees: [{ party: 'client' }],
        caseAttendees: persons.map((personId) => ({ personId, attendance: 'attended' })),
        otherAttendees: [{ name: 'Adaeze Nwosu', role: 'interpreter', attendance: 'attended' }],
      })
      .expect(200);
    const upcoming = await book(48, caseId);
    // Maya's own session, in the same feed, still shows her initials as before.
    const individual = await book(72);

    const feed = await http()
      .post('/api/v1/calendar-feeds')
      .set('Authorization', auth)
      .send({})
      .expect(201);
    const text = (
      await http()
        .get((feed.body as { url: string }).url)
        .expect(200)
    ).text;
    for (const secret of ['Okafor', 'Whitcombe', 'household', 'Maya', 'Grace', 'Chidi', 'Adaeze']) {
      expect(text).not.toContain(secret);
    }
    const events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
    const summaries = Object.fromEntries(
      events.map((event) => [
        event.getFirstPropertyValue('uid') as string,
        event.getFirstPropertyValue('summary') as string,
      ]),
    );
    const number = `C-${String(maya.clientNumber).padStart(6, '0')}`;
    expect(summaries).toEqual({
      [held]: `Family session · ${number}`,
      [upcoming]: `Family session · ${number}`,
      [individual]: `Individual session · ${number} (M.O.)`,
    });
  });
});

import { createHash } from 'node:crypto';
import request from 'supertest';
import { createClient } from '../factories/client.factory';
import { createSession } from '../factories/session.factory';
import { createTeam } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';
import { adminQuery, ownerQuery } from '../setup/database-roles';

const SOAP = {
  subjective: 'Maya reports three weeks sober; worried about her mother’s questions.',
  objective: 'Calm, engaged; mother attended.',
  assessment: 'Trust rebuilding on track; boundary around questions still tender.',
  plan: 'Practice the agreed check-in script; review the boundary agreement next week.',
};

describe('session notes', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let tokens: Record<'counselor' | 'trainee' | 'supervisor' | 'admin' | 'intake', string>;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    tokens = {
      counselor: bearer(await tokenFor(testApp.app, team.counselor)),
      trainee: bearer(await tokenFor(testApp.app, team.trainee)),
      supervisor: bearer(await tokenFor(testApp.app, team.supervisor)),
      admin: bearer(await tokenFor(testApp.app, team.admin)),
      intake: bearer(await tokenFor(testApp.app, team.intake)),
    };
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());
  let hour = 0;
  /** A completed session of a fresh client, whose primary counselor is `counselorId`. */
  async function completedSession(counselorId: string): Promise<string> {
    const client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: counselorId,
    });
    hour += 1;
    return createSession(testApp.dataSource, client, counselorId, {
      startsAt: new Date(Date.UTC(2026, 5, 1, hour)),
      status: 'completed',
    });
  }
  const note = (sessionId: string) => `/api/v1/therapy-sessions/${sessionId}/note`;
  const auditOf = (noteId: string) =>
    testApp.dataSource.query<{ action: string; actor_id: string }[]>(
      `SELECT action, actor_id FROM audit_events WHERE resource_id = $1 ORDER BY occurred_at, id`,
      [noteId],
    );

  it('drafts, signs and locks a note; the lock holds through the API and in SQL', async () => {
    const sessionId = await completedSession(team.counselor.id);
    const draft = await http()
      .post(note(sessionId))
      .set('Authorization', tokens.counselor)
      .send({ format: 'soap', content: { subjective: SOAP.subjective } })
      .expect(201);
    expect(draft.body).toMatchObject({
      status: 'draft',
      format: 'soap',
      authorId: team.counselor.id,
    });
    await http()
      .post(note(sessionId))
      .set('Authorization', tokens.counselor)
      .send({ format: 'soap' })
      .expect(409);

    const saved = await http()
      .patch(note(sessionId))
      .set('Authorization', tokens.counselor)
      .set('If-Match', draft.headers.etag as string)
      .send({ content: SOAP, interventions: ['motivational interviewing'], riskLevel: 'low' })
      .expect(200);
    await http()
      .patch(note(sessionId))
      .set('Authorization', tokens.counselor)
      .set('If-Match', draft.headers.etag as string)
      .send({ riskLevel: 'none' })
      .expect(412);
    expect(saved.body.content).toEqual(SOAP);

    const signed = await http()
      .post(`${note(sessionId)}/sign`)
      .set('Authorization', tokens.counselor)
      .expect(200);
    expect(signed.body).toMatchObject({
      status: 'signed',
      signedBy: team.counselor.id,
      signedAt: expect.any(String),
    });
    const expectedHash = createHash('sha256')
      .update(
        JSON.stringify({
          authorId: team.counselor.id,
          content: Object.fromEntries(Object.entries(SOAP).sort()),
          format: 'soap',
          goalsAddressed: [],
          interventions: ['motivational interviewing'],
          riskLevel: 'low',
          riskPlan: null,
          sessionId,
        }),
      )
      .digest('hex');
    expect(signed.body.contentHash).toBe(expectedHash);

    const refused = await http()
      .patch(note(sessionId))
      .set('Authorization', tokens.counselor)
      .send({ riskLevel: 'high', riskPlan: 'x' })
      .expect(409);
    expect(refused.body).toMatchObject({
      type: 'urn:family-therapy:problem:note-locked',
      currentStatus: 'signed',
    });
    await expect(
      testApp.dataSource.query(
        `UPDATE session_notes SET content = '{"text":"rewritten"}' WHERE id = $1`,
        [signed.body.id],
      ),
    ).rejects.toThrow(/signed note is locked/);
    await expect(
      testApp.dataSource.query(`UPDATE session_notes SET status = 'draft' WHERE id = $1`, [
        signed.body.id,
      ]),
    ).rejects.toThrow(/signed note is locked/);
    await expect(
      adminQuery(testApp.dataSource, `DELETE FROM session_notes WHERE id = $1`, [signed.body.id]),
    ).rejects.toThrow(/never deleted/);
    const after = await http()
      .get(note(sessionId))
      .set('Authorization', tokens.counselor)
      .expect(200);
    expect(after.body.content).toEqual(SOAP);

    const withAddendum = await http()
      .post(`${note(sessionId)}/addenda`)
      .set('Authorization', tokens.counselor)
      .send({ text: 'Mother called: the plan held over the weekend.' })
      .expect(201);
    expect(withAddendum.body.addenda).toEqual([
      expect.objectContaining({
        authorId: team.counselor.id,
        text: 'Mother called: the plan held over the weekend.',
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    await expect(
      adminQuery(testApp.dataSource, `UPDATE note_addenda SET text = 'edited' WHERE id = $1`, [
        withAddendum.body.addenda[0].id,
      ]),
    ).rejects.toThrow(/append-only/);

    const events = await auditOf(signed.body.id as string);
    expect(events.map((event) => event.action)).toEqual(['create', 'update', 'sign', 'read']);
    const [addendumEvent] = await auditOf(withAddendum.body.addenda[0].id as string);
    expect(addendumEvent).toEqual({ action: 'create', actor_id: team.counselor.id });
  });

  it('refuses to sign an incomplete note, naming what is missing', async () => {
    const sessionId = await completedSession(team.counselor.id);
    await http()
      .post(note(sessionId))
      .set('Authorization', tokens.counselor)
      .send({ format: 'birp', content: { behavior: 'Guarded.' }, riskLevel: 'moderate' })
      .expect(201);
    const response = await http()
      .post(`${note(sessionId)}/sign`)
      .set('Authorization', tokens.counselor)
      .expect(422);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'content.intervention',
      'content.response',
      'content.plan',
      'riskPlan',
    ]);
    const wrongSection = await http()
      .patch(note(sessionId))
      .set('Authorization', tokens.counselor)
      .send({ content: { subjective: 'x' } })
      .expect(400);
    expect(wrongSection.body.errors[0].field).toBe('content.subjective');
  });

  it('only the session’s clinician writes the note, and only for a completed session', async () => {
    const client = await createClient(testApp.dataSource, {
      practiceId: team.practice.id,
      primaryCounselorId: team.counselor.id,
    });
    const scheduled = await createSession(testApp.dataSource, client, team.counselor.id, {
      startsAt: new Date(Date.UTC(2026, 6, 1, 9)),
    });
    await http()
      .post(note(scheduled))
      .set('Authorization', tokens.counselor)
      .send({ format: 'free' })
      .expect(422);
    const sessionId = await completedSession(team.counselor.id);
    // The supervisor reaches the client (supervises the counselor) but did not run the session.
    await http()
      .post(note(sessionId))
      .set('Authorization', tokens.supervisor)
      .send({ format: 'free' })
      .expect(403);
  });

  it('runs the co-signature flow: trainee signs, supervisor returns, trainee fixes, supervisor co-signs', async () => {
    const sessionId = await completedSession(team.trainee.id);
    await http()
      .post(note(sessionId))
      .set('Authorization', tokens.trainee)
      .send({
        format: 'dap',
        content: { data: 'd', assessment: 'a', plan: 'p' },
        riskLevel: 'none',
      })
      .expect(201);
    const awaiting = await http()
      .post(`${note(sessionId)}/sign`)
      .set('Authorization', tokens.trainee)
      .expect(200);
    expect(awaiting.body.status).toBe('awaiting_cosign');
    await http()
      .patch(note(sessionId))
      .set('Authorization', tokens.trainee)
      .send({ content: { plan: 'changed' } })
      .expect(409);
    await expect(
      testApp.dataSource.query(`UPDATE session_notes SET content = '{}' WHERE id = $1`, [
        awaiting.body.id,
      ]),
    ).rejects.toThrow(/awaiting co-signature/);
    // Not the trainee's supervisor: the counselor cannot co-sign (and does not reach this client at all).
    await http()
      .post(`${note(sessionId)}/cosign`)
      .set('Authorization', tokens.counselor)
      .expect(404);
    await http()
      .post(`${note(sessionId)}/cosign`)
      .set('Authorization', tokens.trainee)
      .expect(403);

    const returned = await http()
      .post(`${note(sessionId)}/return`)
      .set('Authorization', tokens.supervisor)
      .send({ comment: 'Add the specific plan for Sunday calls.' })
      .expect(200);
    expect(returned.body).toMatchObject({
      status: 'returned',
      returnComment: 'Add the specific plan for Sunday calls.',
    });
    await http()
      .patch(note(sessionId))
      .set('Authorization', tokens.trainee)
      .send({ content: { plan: 'Call mom every Sunday at 6 pm; review in two weeks.' } })
      .expect(200);
    await http()
      .post(`${note(sessionId)}/sign`)
      .set('Authorization', tokens.trainee)
      .expect(200);
    const cosigned = await http()
      .post(`${note(sessionId)}/cosign`)
      .set('Authorization', tokens.supervisor)
      .expect(200);
    expect(cosigned.body).toMatchObject({
      status: 'signed',
      cosignedBy: team.supervisor.id,
      returnComment: null,
    });
    await http()
      .post(`${note(sessionId)}/cosign`)
      .set('Authorization', tokens.supervisor)
      .expect(409);
    const actions = (await auditOf(cosigned.body.id as string)).map(
      (event) =>
        `${event.action}:${event.actor_id === team.supervisor.id ? 'supervisor' : 'trainee'}`,
    );
    expect(actions).toEqual([
      'create:trainee',
      'sign:trainee',
      'status_change:supervisor',
      'update:trainee',
      'sign:trainee',
      'cosign:supervisor',
    ]);
  });

  it('keeps notes from intake coordinators and (by default) admins', async () => {
    const sessionId = await completedSession(team.counselor.id);
    await http()
      .post(note(sessionId))
      .set('Authorization', tokens.counselor)
      .send({ format: 'free', content: { text: 'x' } })
      .expect(201);
    await http().get(note(sessionId)).set('Authorization', tokens.intake).expect(404);
    await http().get(note(sessionId)).set('Authorization', tokens.admin).expect(404);
    await ownerQuery(
      testApp.dataSource,
      `UPDATE practices SET settings = '{"adminClinicalAccess": true}' WHERE id = $1`,
      [team.practice.id],
    );
    await http().get(note(sessionId)).set('Authorization', tokens.admin).expect(200);
    await http()
      .patch(note(sessionId))
      .set('Authorization', tokens.admin)
      .send({ content: { text: 'y' } })
      .expect(404);
    await ownerQuery(testApp.dataSource, `UPDATE practices SET settings = '{}' WHERE id = $1`, [
      team.practice.id,
    ]);
  });
});

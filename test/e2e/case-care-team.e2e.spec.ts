import request from 'supertest';
import { createStaff, createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, tokenFor } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

interface Member {
  staffId: string;
  role: string;
}

/** The care team of a case after it is opened: who may change it, and access that follows at once. */
describe('case care team', () => {
  let testApp: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let coTherapist: TestStaff;
  let successor: TestStaff;
  const auth: Record<string, string> = {};
  const http = () => request(testApp.app.getHttpServer());

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createTeam(testApp.dataSource);
    const practiceId = team.practice.id;
    coTherapist = await createStaff(testApp.dataSource, { practiceId, role: 'counselor' });
    successor = await createStaff(testApp.dataSource, { practiceId, role: 'counselor' });
    for (const [name, staff] of Object.entries({
      counselor: team.counselor,
      admin: team.admin,
      intake: team.intake,
      supervisor: team.supervisor,
      coTherapist,
      successor,
    })) {
      auth[name] = bearer(await tokenFor(testApp.app, staff));
    }
  });
  afterAll(() => testApp.close());

  async function openCase(): Promise<string> {
    const opened = await http()
      .post('/api/v1/cases')
      .set('Authorization', auth.counselor!)
      .send({ type: 'family', label: 'Okafor' })
      .expect(201);
    return opened.body.id as string;
  }
  const teamOf = async (caseId: string, as = auth.counselor!) =>
    (
      (await http().get(`/api/v1/cases/${caseId}/care-team`).set('Authorization', as).expect(200))
        .body.data as Member[]
    ).map((member) => `${member.role}:${member.staffId}`);
  const add = (caseId: string, as: string, staffId: string, role: string) =>
    http()
      .post(`/api/v1/cases/${caseId}/care-team`)
      .set('Authorization', as)
      .send({ staffId, role });

  it('adds a co-therapist who reaches the case, and loses it at the next request once removed', async () => {
    const caseId = await openCase();
    await http().get(`/api/v1/cases/${caseId}`).set('Authorization', auth.coTherapist!).expect(404);

    const added = await add(caseId, auth.counselor!, coTherapist.id, 'co_therapist').expect(201);
    expect(added.body).toMatchObject({ staffId: coTherapist.id, role: 'co_therapist' });
    await http().get(`/api/v1/cases/${caseId}`).set('Authorization', auth.coTherapist!).expect(200);
    expect(await teamOf(caseId)).toEqual([
      `primary_counselor:${team.counselor.id}`,
      `co_therapist:${coTherapist.id}`,
    ]);

    await http()
      .delete(`/api/v1/cases/${caseId}/care-team/${coTherapist.id}`)
      .set('Authorization', auth.counselor!)
      .expect(204);
    await http().get(`/api/v1/cases/${caseId}`).set('Authorization', auth.coTherapist!).expect(404);
    // History is kept: the row is end-dated, not deleted, and both changes are audited.
    const rows = await testApp.dataSource.query<{ removed_at: Date | null }[]>(
      `SELECT removed_at FROM case_care_team_members WHERE case_id = $1 AND staff_id = $2`,
      [caseId, coTherapist.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.removed_at).toBeInstanceOf(Date);
    const audited = await testApp.dataSource.query<{ action: string }[]>(
      `SELECT action FROM audit_events WHERE resource_type = 'case_care_team_member'
          AND actor_id = $1 AND metadata->>'caseId' = $2 ORDER BY occurred_at`,
      [team.counselor.id, caseId],
    );
    expect(audited.map((event) => event.action)).toEqual(['create', 'update']);
  });

  it('keeps exactly one primary counselor: a new one replaces the old in one step', async () => {
    const caseId = await openCase();
    await add(caseId, auth.counselor!, coTherapist.id, 'co_therapist').expect(201);
    await http()
      .delete(`/api/v1/cases/${caseId}/care-team/${team.counselor.id}`)
      .set('Authorization', auth.counselor!)
      .expect(422)
      .expect((response) => {
        expect(response.body.type).toBe('urn:family-therapy:problem:primary-counselor-required');
        expect(response.body.errors[0].field).toBe('staffId');
      });
    // The co-therapist becomes the primary counselor: their co-therapist row and the old primary end.
    await add(caseId, auth.admin!, coTherapist.id, 'primary_counselor').expect(201);
    expect(await teamOf(caseId, auth.admin)).toEqual([`primary_counselor:${coTherapist.id}`]);
    await http().get(`/api/v1/cases/${caseId}`).set('Authorization', auth.counselor!).expect(404);
    const [counts] = await testApp.dataSource.query<{ active: number; primaries: number }[]>(
      `SELECT count(*) FILTER (WHERE removed_at IS NULL)::int AS active,
              count(*) FILTER (WHERE role = 'primary_counselor' AND removed_at IS NULL)::int AS primaries
         FROM case_care_team_members WHERE case_id = $1`,
      [caseId],
    );
    expect(counts).toEqual({ active: 1, primaries: 1 });
    const [replaced] = await testApp.dataSource.query<{ metadata: Record<string, unknown> }[]>(
      `SELECT metadata FROM audit_events WHERE resource_type = 'case_care_team_member'
          AND action = 'create' AND actor_id = $1 AND metadata->>'caseId' = $2`,
      [team.admin.id, caseId],
    );
    expect(replaced!.metadata).toMatchObject({
      role: 'primary_counselor',
      previousRole: 'co_therapist',
      replacedPrimary: team.counselor.id,
    });
  });

  it('lets only admins and the case’s primary counselor or supervisor change the team', async () => {
    const caseId = await openCase();
    await add(caseId, auth.counselor!, coTherapist.id, 'co_therapist').expect(201);
    await add(caseId, auth.coTherapist!, successor.id, 'co_therapist').expect(403);
    await add(caseId, auth.intake!, successor.id, 'co_therapist').expect(403);
    // The clinical supervisor of the primary counselor reads the case but is not on its team.
    await teamOf(caseId, auth.supervisor);
    await add(caseId, auth.supervisor!, successor.id, 'co_therapist').expect(403);
    await add(caseId, auth.successor!, successor.id, 'co_therapist').expect(404);

    await add(caseId, auth.counselor!, team.supervisor.id, 'supervisor').expect(201);
    await add(caseId, auth.supervisor!, successor.id, 'co_therapist').expect(201);
    await add(caseId, auth.admin!, successor.id, 'co_therapist')
      .expect(409)
      .expect((response) =>
        expect(response.body.type).toBe('urn:family-therapy:problem:already-on-care-team'),
      );
  });

  it('takes only active clinicians of the practice', async () => {
    const caseId = await openCase();
    for (const staffId of [team.intake.id, team.admin.id]) {
      await add(caseId, auth.counselor!, staffId, 'co_therapist')
        .expect(422)
        .expect((response) => {
          expect(response.body.type).toBe('urn:family-therapy:problem:not-a-clinician');
          expect(response.body.errors[0].field).toBe('staffId');
        });
    }
    await add(caseId, auth.counselor!, coTherapist.id, 'therapist').expect(400);
  });

  it('answers 401 without a token and 404 for a case out of reach', async () => {
    const caseId = await openCase();
    await http().get(`/api/v1/cases/${caseId}/care-team`).expect(401);
    await http()
      .get(`/api/v1/cases/${caseId}/care-team`)
      .set('Authorization', auth.successor!)
      .expect(404);
    await http()
      .delete(`/api/v1/cases/${caseId}/care-team/${team.counselor.id}`)
      .set('Authorization', auth.successor!)
      .expect(404);
  });
});

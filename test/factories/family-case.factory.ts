import request from 'supertest';
import { bearer, tokenFor } from '../setup/auth';
import type { TestApp } from '../setup/test-app';
import { addFamilyMember, createClient, type TestClient } from './client.factory';
import { createStaff, createTeam, type TestStaff } from './staff.factory';

/** A relative recorded in the daughter's chart; with a `caseRole`, a member of the case too. */
export interface CaseRelative {
  relationship: string;
  firstName: string;
  caseRole?: string;
}

export interface OkaforCase {
  team: Awaited<ReturnType<typeof createTeam>>;
  coTherapist: TestStaff;
  /** A counselor of the practice on no care team of this family. */
  outsider: TestStaff;
  asPrimary: string;
  asCoTherapist: string;
  asOutsider: string;
  /** Maya, the identified client, and Grace, her mother: both clients of the team's counselor. */
  daughter: TestClient;
  mother: TestClient;
  caseId: string;
  /** Each person's id by first name: the case's members and every relative in the chart. */
  person: Record<string, string>;
}

/**
 * The Okafor family case the case specs share, opened through the API by the daughter's and
 * mother's counselor with a co-therapist on the case only: Maya and Grace as members, and the
 * relatives given, recorded in Maya's chart (members of the case when they have a `caseRole`).
 */
export async function openOkaforCase(
  testApp: TestApp,
  relatives: CaseRelative[] = [],
): Promise<OkaforCase> {
  const http = () => request(testApp.app.getHttpServer());
  const dataSource = testApp.dataSource;
  const team = await createTeam(dataSource);
  const practiceId = team.practice.id;
  const coTherapist = await createStaff(dataSource, { practiceId, role: 'counselor' });
  const outsider = await createStaff(dataSource, { practiceId, role: 'counselor' });
  const asPrimary = bearer(await tokenFor(testApp.app, team.counselor));
  const client = (firstName: string) =>
    createClient(dataSource, { practiceId, primaryCounselorId: team.counselor.id, firstName });
  const daughter = await client('Maya');
  const mother = await client('Grace');
  const members: object[] = [
    { clientId: daughter.id, role: 'identified_client' },
    { clientId: mother.id, role: 'parent' },
  ];
  for (const relative of relatives) {
    const id = await addFamilyMember(
      dataSource,
      daughter,
      relative.relationship,
      relative.firstName,
    );
    if (relative.caseRole) members.push({ familyMemberId: id, role: relative.caseRole });
  }

  const opened = await http()
    .post('/api/v1/cases')
    .set('Authorization', asPrimary)
    .send({
      type: 'family',
      label: 'Okafor family',
      careTeam: [{ staffId: coTherapist.id, role: 'co_therapist' }],
    })
    .expect(201);
  const caseId = (opened.body as { id: string }).id;
  for (const member of members) {
    await http()
      .post(`/api/v1/cases/${caseId}/members`)
      .set('Authorization', asPrimary)
      .send(member)
      .expect(201);
  }
  const persons = await dataSource.query<{ first_name: string; person_id: string }[]>(
    `SELECT first_name, person_id FROM clients WHERE id = ANY ($1)
     UNION ALL
     SELECT first_name, person_id FROM family_members WHERE client_id = $2`,
    [[daughter.id, mother.id], daughter.id],
  );
  return {
    team,
    coTherapist,
    outsider,
    asPrimary,
    asCoTherapist: bearer(await tokenFor(testApp.app, coTherapist)),
    asOutsider: bearer(await tokenFor(testApp.app, outsider)),
    daughter,
    mother,
    caseId,
    person: Object.fromEntries(persons.map((row) => [row.first_name, row.person_id])),
  };
}

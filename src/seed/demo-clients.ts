import type { Client } from 'pg';
import { DEMO_SEED, recordSystemEvent } from '../audit/system-audit';
import { insertClient } from '../clients/client-writes';
import { rowsOf } from '../common/sql/query-rows';
import { insertFamilyMembers } from '../family-members/family-member-writes';

interface DemoFamilyMember {
  firstName: string;
  lastName: string;
  relationship: string;
  participation: string;
  consentToContact?: boolean;
  emergencyContact?: boolean;
}

interface DemoClient {
  firstName: string;
  lastName: string;
  preferredName?: string;
  dateOfBirth: string;
  pronouns: string;
  status: 'intake' | 'active' | 'on_hold';
  presentingConcerns: string[];
  trustIndicators: string[];
  substanceUseRecords: boolean;
  primaryEmail?: string;
  coTherapistEmail?: string;
  family: DemoFamilyMember[];
}

/** The families of the articles in shared/seeds: recovery, betrayal, estrangement, grief. */
const DEMO_CLIENTS: DemoClient[] = [
  {
    firstName: 'Maya',
    lastName: 'Okafor',
    dateOfBirth: '1999-06-14',
    pronouns: 'she/her',
    status: 'active',
    presentingConcerns: ['substance_use_recovery', 'parent_child_conflict'],
    trustIndicators: ['difficulty_opening_up'],
    substanceUseRecords: true,
    primaryEmail: 'counselor@riverside.example',
    family: [
      {
        firstName: 'Grace',
        lastName: 'Okafor',
        relationship: 'mother',
        participation: 'participating',
        consentToContact: true,
        emergencyContact: true,
      },
      {
        firstName: 'Daniel',
        lastName: 'Okafor',
        relationship: 'father',
        participation: 'declined',
      },
    ],
  },
  {
    firstName: 'Elena',
    lastName: 'Marsh',
    dateOfBirth: '1986-02-03',
    pronouns: 'she/her',
    status: 'active',
    presentingConcerns: ['trust_after_betrayal', 'communication'],
    trustIndicators: ['suspicion', 'jealousy_possessiveness', 'avoidance_of_intimacy'],
    substanceUseRecords: false,
    primaryEmail: 'trainee@riverside.example',
    coTherapistEmail: 'counselor@riverside.example',
    family: [
      {
        firstName: 'Tomás',
        lastName: 'Marsh',
        relationship: 'spouse',
        participation: 'participating',
        consentToContact: true,
      },
    ],
  },
  {
    firstName: 'Ruth',
    lastName: 'Lindqvist',
    dateOfBirth: '1958-09-22',
    pronouns: 'she/her',
    status: 'active',
    presentingConcerns: ['estrangement', 'grief'],
    trustIndicators: [],
    substanceUseRecords: false,
    primaryEmail: 'supervisor@riverside.example',
    family: [
      { firstName: 'Jonah', lastName: 'Lindqvist', relationship: 'son', participation: 'invited' },
      {
        firstName: 'Ada',
        lastName: 'Lindqvist',
        relationship: 'daughter',
        participation: 'participating',
        consentToContact: true,
        emergencyContact: true,
      },
    ],
  },
  {
    firstName: 'Samuel',
    lastName: 'Nguyễn',
    preferredName: 'Sam',
    dateOfBirth: '2001-12-05',
    pronouns: 'he/him',
    status: 'on_hold',
    presentingConcerns: ['grief', 'communication'],
    trustIndicators: ['difficulty_opening_up'],
    substanceUseRecords: false,
    primaryEmail: 'counselor@riverside.example',
    family: [
      {
        firstName: 'Linh',
        lastName: 'Nguyễn',
        relationship: 'mother',
        participation: 'participating',
      },
    ],
  },
  {
    firstName: 'Priya',
    lastName: 'Raman',
    dateOfBirth: '1993-07-30',
    pronouns: 'she/her',
    status: 'intake',
    presentingConcerns: ['trust_after_betrayal'],
    trustIndicators: ['suspicion'],
    substanceUseRecords: false,
    family: [
      { firstName: 'Arjun', lastName: 'Raman', relationship: 'partner', participation: 'invited' },
    ],
  },
];

/**
 * Seeds the demo clients, their families and care teams, once (only while the practice has no
 * client), inside the caller's transaction.
 */
export async function seedDemoClients(client: Client, practiceId: string): Promise<number> {
  const existing = await client.query(`SELECT 1 FROM clients WHERE practice_id = $1 LIMIT 1`, [
    practiceId,
  ]);
  if (existing.rowCount) return 0;
  for (const demo of DEMO_CLIENTS) {
    const { id: clientId } = await insertClient(rowsOf(client), practiceId, {
      first_name: demo.firstName,
      last_name: demo.lastName,
      preferred_name: demo.preferredName ?? null,
      date_of_birth: demo.dateOfBirth,
      pronouns: demo.pronouns,
      status: demo.status,
      presenting_concerns: demo.presentingConcerns,
      trust_indicators: demo.trustIndicators,
      substance_use_records: demo.substanceUseRecords,
    });
    await recordSystemEvent(client, {
      practiceId,
      resourceType: 'client',
      resourceId: clientId,
      clientId,
      metadata: DEMO_SEED,
    });
    const team: [string | undefined, string][] = [
      [demo.primaryEmail, 'primary_counselor'],
      [demo.coTherapistEmail, 'co_therapist'],
    ];
    for (const [email, role] of team) {
      if (!email) continue;
      await client.query(
        `INSERT INTO care_team_members (practice_id, client_id, staff_id, role)
         SELECT $1, $2, id, $4 FROM staff WHERE practice_id = $1 AND email = $3`,
        [practiceId, clientId, email, role],
      );
    }
    const members = await insertFamilyMembers(
      rowsOf(client),
      practiceId,
      demo.family.map((member) => ({
        client_id: clientId,
        first_name: member.firstName,
        last_name: member.lastName,
        relationship: member.relationship,
        participation: member.participation,
        consent_to_contact: member.consentToContact ?? false,
        emergency_contact: member.emergencyContact ?? false,
      })),
    );
    for (const member of members) {
      await recordSystemEvent(client, {
        practiceId,
        resourceType: 'family_member',
        resourceId: member.id,
        clientId,
        metadata: DEMO_SEED,
      });
    }
  }
  return DEMO_CLIENTS.length;
}

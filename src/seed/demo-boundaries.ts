import type { Client } from 'pg';
import { DEMO_SEED, recordSystemEvent } from '../audit/system-audit';

/**
 * The demo's mother-daughter agreement (Maya Okafor and her mother Grace): no calls after 10 pm, no
 * questions about meetings unless offered, money only through an agreed plan — active, both parties
 * having acknowledged it in session, with one logged violation. Seeded once, in the caller's
 * transaction.
 */
export async function seedDemoBoundaries(client: Client, practiceId: string): Promise<number> {
  const existing = await client.query(
    `SELECT 1 FROM boundary_agreements WHERE practice_id = $1 LIMIT 1`,
    [practiceId],
  );
  if (existing.rowCount) return 0;
  const found = await client.query<{ client_id: string; mother_id: string; counselor_id: string }>(
    `SELECT c.id AS client_id, f.id AS mother_id, s.id AS counselor_id
       FROM clients c
       JOIN family_members f ON f.practice_id = c.practice_id AND f.client_id = c.id AND f.relationship = 'mother'
       JOIN staff s ON s.practice_id = c.practice_id AND s.email = 'counselor@riverside.example'
      WHERE c.practice_id = $1 AND c.first_name = 'Maya' AND c.last_name = 'Okafor'`,
    [practiceId],
  );
  const family = found.rows[0];
  if (!family) return 0;
  const { client_id: clientId, mother_id: motherId, counselor_id: counselorId } = family;
  const agreement = await client.query<{ id: string }>(
    `INSERT INTO boundary_agreements (practice_id, client_id, title, facilitator_id, status, review_date, created_by)
     VALUES ($1, $2, 'Evenings, meetings and money', $3, 'active', (now() + interval '10 days')::date, $3) RETURNING id`,
    [practiceId, clientId, counselorId],
  );
  const agreementId = agreement.rows[0]!.id;
  await client.query(
    `INSERT INTO boundary_agreement_parties (practice_id, client_id, agreement_id, family_member_id)
     VALUES ($1, $2, $3, NULL), ($1, $2, $3, $4)`,
    [practiceId, clientId, agreementId, motherId],
  );
  await client.query(
    `INSERT INTO boundary_agreement_versions (practice_id, agreement_id, number, created_by, created_at)
     VALUES ($1, $2, 1, $3, now() - interval '6 weeks')`,
    [practiceId, agreementId, counselorId],
  );
  const items = await client.query<{ id: string; position: number }>(
    `INSERT INTO boundary_items (practice_id, agreement_id, version_number, position, category, set_by_family_member_id,
                                 boundary, expectation, response_if_crossed)
     VALUES ($1, $2, 1, 1, 'time', $3, 'No phone calls after 10 pm.', 'Text instead, unless it is a real emergency.',
             'The call goes unanswered; we talk about it at the next session.'),
            ($1, $2, 1, 2, 'communication', NULL, 'No questions about meetings unless I bring them up.',
             'Ask how the week went instead.', 'I say "not today" and we change the subject.'),
            ($1, $2, 1, 3, 'financial', $3, 'Money only through the plan we agreed on.',
             'Requests go through the Sunday budget talk.', 'No money outside the plan; we revisit the plan in session.')
     RETURNING id, position`,
    [practiceId, agreementId, motherId],
  );
  await client.query(
    `INSERT INTO boundary_acknowledgments (practice_id, agreement_id, version_number, family_member_id, method, acknowledged_at, recorded_by)
     VALUES ($1, $2, 1, NULL, 'in_session', now() - interval '6 weeks', $3),
            ($1, $2, 1, $4, 'in_session', now() - interval '6 weeks', $3)`,
    [practiceId, agreementId, counselorId, motherId],
  );
  const lateCall = items.rows.find((item) => item.position === 1)!;
  const violation = await client.query<{ id: string }>(
    `INSERT INTO boundary_violations (practice_id, client_id, agreement_id, item_id, reported_by_family_member_id, occurred_at,
                                      severity, description, response_taken, created_by)
     VALUES ($1, $2, $3, $4, $5, now() - interval '5 days', 'minor', 'Called at 11:40 pm after a hard day at work.',
             'Grace let it ring and texted in the morning; Maya apologised at the next session.', $6)
     RETURNING id`,
    [practiceId, clientId, agreementId, lateCall.id, motherId, counselorId],
  );
  for (const [resourceType, resourceId] of [
    ['boundary_agreement', agreementId],
    ['boundary_violation', violation.rows[0]!.id],
  ] as const) {
    await recordSystemEvent(client, {
      practiceId,
      resourceType,
      resourceId,
      clientId,
      metadata: DEMO_SEED,
    });
  }
  return 1;
}

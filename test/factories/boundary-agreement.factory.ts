import type { DataSource } from 'typeorm';
import type { TestClient } from './client.factory';

export interface TestAgreement {
  id: string;
  practiceId: string;
  clientId: string;
}

export interface AgreementOptions {
  status?: 'draft' | 'proposed' | 'active' | 'under_review' | 'retired';
  title?: string;
  /** Days from today to the review date; none when null. */
  reviewInDays?: number | null;
  /** The parties: a family member's id, or null for the client. None unless given. */
  parties?: (string | null)[];
}

/** A real agreement row at version 1 (its items are added with {@link addBoundaryItem}). */
export async function createAgreement(
  dataSource: DataSource,
  client: TestClient,
  facilitatorId: string,
  options: AgreementOptions = {},
): Promise<TestAgreement> {
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO boundary_agreements (practice_id, client_id, title, facilitator_id, status, review_date)
     VALUES ($1, $2, $3, $4, $5, current_date + $6::int) RETURNING id`,
    [
      client.practiceId,
      client.id,
      options.title ?? 'Evenings',
      facilitatorId,
      options.status ?? 'active',
      options.reviewInDays ?? null,
    ],
  );
  const agreement = { id: row!.id, practiceId: client.practiceId, clientId: client.id };
  if (options.parties?.length) {
    await dataSource.query(
      `INSERT INTO boundary_agreement_parties (practice_id, client_id, agreement_id, family_member_id)
       SELECT $1, $2, $3, party FROM unnest($4::uuid[]) AS party`,
      [client.practiceId, client.id, agreement.id, options.parties],
    );
  }
  await dataSource.query(
    `INSERT INTO boundary_agreement_versions (practice_id, agreement_id, number) VALUES ($1, $2, 1)`,
    [client.practiceId, agreement.id],
  );
  return agreement;
}

export interface BoundaryItemOptions {
  category?: string;
  position?: number;
  boundary?: string;
  expectation?: string;
  responseIfCrossed?: string;
}

/** An item of the agreement's first version; returns its id. */
export async function addBoundaryItem(
  dataSource: DataSource,
  agreement: TestAgreement,
  options: BoundaryItemOptions = {},
): Promise<string> {
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO boundary_items (practice_id, agreement_id, version_number, position, category, boundary, expectation,
                                 response_if_crossed)
     VALUES ($1, $2, 1, $3, $4, $5, $6, $7) RETURNING id`,
    [
      agreement.practiceId,
      agreement.id,
      options.position ?? 1,
      options.category ?? 'time',
      options.boundary ?? 'No calls after 10 pm.',
      options.expectation ?? 'Text instead.',
      options.responseIfCrossed ?? 'We talk about it in session.',
    ],
  );
  return row!.id;
}

export interface ViolationOptions {
  daysAgo?: number;
  severity?: 'minor' | 'moderate' | 'major';
  description?: string;
}

/** A violation of the item, `daysAgo` days ago; returns its id. */
export async function reportViolation(
  dataSource: DataSource,
  agreement: TestAgreement,
  itemId: string,
  options: ViolationOptions = {},
): Promise<string> {
  const [row] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO boundary_violations (practice_id, client_id, agreement_id, item_id, occurred_at, severity, description)
     VALUES ($1, $2, $3, $4, now() - make_interval(days => $5), $6, $7) RETURNING id`,
    [
      agreement.practiceId,
      agreement.clientId,
      agreement.id,
      itemId,
      options.daysAgo ?? 3,
      options.severity ?? 'minor',
      options.description ?? 'Called at 11:40 pm.',
    ],
  );
  return row!.id;
}

/** A party's acknowledgment of the first version (the client's when `familyMemberId` is null). */
export async function acknowledge(
  dataSource: DataSource,
  agreement: TestAgreement,
  familyMemberId: string | null,
  recordedBy: string,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO boundary_acknowledgments (practice_id, agreement_id, version_number, family_member_id, method, recorded_by)
     VALUES ($1, $2, 1, $3, 'verbal', $4)`,
    [agreement.practiceId, agreement.id, familyMemberId, recordedBy],
  );
}

import type { QueryRows } from '../common/sql/query-rows';
import { recordset, type RecordsetTypes } from '../common/sql/json-recordset';

/**
 * A `family_members` row to insert, keyed by column. A column left out keeps its default
 * (participation `invited`, no consent to contact, not the emergency contact, not deceased).
 */
export interface NewFamilyMember {
  client_id: string;
  first_name: string;
  relationship: string;
  last_name?: string | null;
  date_of_birth?: string | null;
  pronouns?: string | null;
  email?: string | null;
  phone?: string | null;
  participation?: string;
  consent_to_contact?: boolean;
  emergency_contact?: boolean;
  deceased?: boolean;
  deceased_on?: string | null;
}

/**
 * The table's defaults for its NOT NULL columns, for a batch whose members give different columns
 * (a column some member gives would otherwise be NULL, not its default, in the others).
 */
export const FAMILY_MEMBER_DEFAULTS = {
  participation: 'invited',
  consent_to_contact: false,
  emergency_contact: false,
  deceased: false,
} as const satisfies Partial<NewFamilyMember>;

const TYPES: RecordsetTypes<NewFamilyMember> = {
  client_id: 'uuid',
  first_name: 'text',
  last_name: 'text',
  relationship: 'text',
  date_of_birth: 'date',
  pronouns: 'text',
  email: 'text',
  phone: 'text',
  participation: 'text',
  consent_to_contact: 'boolean',
  emergency_contact: 'boolean',
  deceased: 'boolean',
  deceased_on: 'date',
};

/**
 * The one place that inserts `family_members` rows (the API, intake acceptance, seeds, the
 * benchmark and the test factories), all of a batch in one statement. `returning` is the RETURNING
 * list over the new rows, aliased `f` (`'f.id'` by default). Auditing is the caller's job, and so is
 * marking activity on the client (`touchActivity` in
 * clients/client-writes.ts) where that applies.
 */
export async function insertFamilyMembers<Row = { id: string }>(
  query: QueryRows,
  practiceId: string,
  members: readonly NewFamilyMember[],
  returning = 'f.id',
): Promise<Row[]> {
  if (members.length === 0) return [];
  const { columns, definition } = recordset(members, TYPES);
  return query<Row>(
    `INSERT INTO family_members AS f (practice_id, ${columns.join(', ')})
     SELECT $1, ${columns.map((column) => `m.${column}`).join(', ')}
       FROM jsonb_to_recordset($2::jsonb) AS m(${definition})
     RETURNING ${returning}`,
    [practiceId, JSON.stringify(members)],
  );
}

import type { QueryRows } from '../common/sql/query-rows';
import { recordset, type RecordsetTypes } from '../common/sql/json-recordset';
import { CLIENT_COLUMNS, type ClientRow, type ClientStatus } from './client.row';

/**
 * A `clients` row to insert, keyed by column. A column left out keeps its default (status
 * `intake`, empty lists, no substance-use records); `created_by` is the staff member who created
 * the record, absent for seeds.
 */
export interface NewClient {
  first_name: string;
  last_name: string;
  date_of_birth: string;
  preferred_name?: string | null;
  pronouns?: string | null;
  email?: string | null;
  phone?: string | null;
  status?: ClientStatus;
  discharge_reason?: string | null;
  discharged_on?: string | null;
  presenting_concerns?: readonly string[];
  trust_indicators?: readonly string[];
  risk_flags?: readonly string[];
  substance_use_records?: boolean;
  created_by?: string | null;
  /** The person this chart is for; a new person (of the chart's id) when left out. */
  person_id?: string | null;
}

const TYPES: RecordsetTypes<NewClient> = {
  first_name: 'text',
  last_name: 'text',
  preferred_name: 'text',
  date_of_birth: 'date',
  pronouns: 'text',
  email: 'text',
  phone: 'text',
  status: 'text',
  discharge_reason: 'text',
  discharged_on: 'date',
  presenting_concerns: 'text[]',
  trust_indicators: 'text[]',
  risk_flags: 'text[]',
  substance_use_records: 'boolean',
  created_by: 'uuid',
  person_id: 'uuid',
};

/**
 * Draws `count` consecutive client numbers of a practice and answers the first. Run it as a
 * statement of its own, outside the transaction that creates the clients (see
 * `ClientCreationService`): the counter row is then locked only for this statement, not until the
 * creating transaction commits, so concurrent creations in one practice do not queue behind each
 * other's whole transaction. Numbers never repeat (the draw commits before any client uses it) but
 * may have gaps (a creation that fails, or replays, leaves its number unused).
 */
export async function drawClientNumbers(
  query: QueryRows,
  practiceId: string,
  count: number,
): Promise<number> {
  const [row] = await query<{ first: number }>(
    `INSERT INTO practice_counters (practice_id, name, value) VALUES ($1, 'client_number', $2)
     ON CONFLICT (practice_id, name) DO UPDATE SET value = practice_counters.value + $2
     RETURNING (value - $2 + 1)::int AS first`,
    [practiceId, count],
  );
  return row!.first;
}

/**
 * The one place that inserts `clients` rows (the API, intake acceptance, seeds, the benchmark and
 * the test factories all come here), so every client is numbered the same way. Numbers come from
 * the practice's counter row, drawn for the whole batch at once: either already drawn by the caller
 * ({@link drawClientNumbers}, `firstNumber`), or drawn here in the same statement, where the row
 * lock serialises concurrent creations until the caller's transaction ends. Either way no number is
 * ever drawn twice; a rollback leaves a gap, which is fine. Answers the rows in the order given.
 * Auditing the creation is the caller's job.
 */
export async function insertClients(
  query: QueryRows,
  practiceId: string,
  clients: readonly NewClient[],
  firstNumber?: number,
): Promise<ClientRow[]> {
  if (clients.length === 0) return [];
  const { columns, definition } = recordset(clients, TYPES);
  const drawn =
    firstNumber === undefined
      ? `WITH number AS (
           INSERT INTO practice_counters (practice_id, name, value) VALUES ($1, 'client_number', $2)
           ON CONFLICT (practice_id, name) DO UPDATE SET value = practice_counters.value + $2
           RETURNING value - $2 AS before)`
      : `WITH number AS (SELECT $4::int - 1 AS before, $2::int AS count)`;
  const rows = await query<ClientRow>(
    `${drawn}
     INSERT INTO clients AS c (practice_id, client_number, ${columns.join(', ')})
     SELECT $1, number.before + r.ordinal, ${columns.map((column) => `r.${column}`).join(', ')}
       FROM number, jsonb_to_recordset($3::jsonb) AS r(${definition}, ordinal int)
     RETURNING ${CLIENT_COLUMNS}`,
    [
      practiceId,
      clients.length,
      JSON.stringify(clients.map((c, i) => ({ ...c, ordinal: i + 1 }))),
      ...(firstNumber === undefined ? [] : [firstNumber]),
    ],
  );
  return rows.sort((a, b) => a.client_number - b.client_number);
}

/** One client: see {@link insertClients}. */
export async function insertClient(
  query: QueryRows,
  practiceId: string,
  client: NewClient,
  firstNumber?: number,
): Promise<ClientRow> {
  const [row] = await insertClients(query, practiceId, [client], firstNumber);
  return row!;
}

/**
 * Marks activity on a client's case (the clients list sorts by it). On the hot write paths of
 * several features, hence a single-row UPDATE by primary key and nothing more; the caller holds
 * whatever lock its own use case needs.
 */
export async function touchActivity(
  query: QueryRows,
  practiceId: string,
  clientId: string,
): Promise<void> {
  await query(`UPDATE clients SET last_activity_at = now() WHERE practice_id = $1 AND id = $2`, [
    practiceId,
    clientId,
  ]);
}

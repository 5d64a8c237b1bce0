/** SQL types of the columns a JSON recordset may carry, by column name. */
export type RecordsetTypes<Row> = Record<keyof Row & string, string>;

/**
 * Rows to insert travel as one JSON array that `jsonb_to_recordset` reads back, so one statement
 * (and one plan) inserts one row or thousands. Only the columns that some row gives are listed, in
 * the order of `types`: a column no row gives keeps its default. A column given by only some rows
 * is NULL in the others, so rows of one batch should give the same columns.
 */
export function recordset<Row extends object>(
  rows: readonly Row[],
  types: RecordsetTypes<Row>,
): { columns: string[]; definition: string } {
  const given = new Set(rows.flatMap((row) => Object.keys(row).filter((key) => isGiven(row, key))));
  const columns = (Object.keys(types) as (keyof Row & string)[]).filter((column) =>
    given.has(column),
  );
  return {
    columns,
    definition: columns.map((column) => `${column} ${types[column]}`).join(', '),
  };
}

function isGiven(row: object, key: string): boolean {
  return (row as Record<string, unknown>)[key] !== undefined;
}

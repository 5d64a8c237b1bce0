/**
 * Lists never show a client record entered in error (over the clients alias `c`); only an admin
 * still reads one, by its id. `listScope` carries it; a query that lists clients without the access
 * predicate (a calendar feed, a duplicate search) uses it directly. The partial indexes on
 * `clients` are declared with this predicate, so a list that carries it can use them. Rows that
 * copy their client's status (`care_team_members`, `care_team_goals`) say it of their copy.
 */
export const listedClientStatus = (status: string) => `${status} <> 'entered_in_error'`;
export const LISTED_CLIENT = listedClientStatus('c.status');

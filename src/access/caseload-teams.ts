/**
 * A clinician's supervisees, as an array. The clinician's id reaches the staff index through a
 * scalar subquery, so PostgreSQL sizes the supervisees from the statistics alike for every
 * clinician rather than from that id's own count: a counselor's none against a supervisor's two
 * dozen made the plan for a counselor's values look so much cheaper than the prepared one that it
 * planned every call afresh, which for a dashboard section cost ten times running it (issue 19).
 */
export function supervisees(practice: string, me: string): string {
  return `ARRAY(SELECT s.id FROM staff s WHERE s.practice_id = ${practice} AND s.supervisor_id = (SELECT ${me}::uuid))`;
}

/**
 * Whose care teams make a clinician's caseload: their own and their supervisees', as one array,
 * so that the care-team index is searched once per member.
 */
export function caseloadTeams(practice: string, me: string): string {
  return `${supervisees(practice, me)} || ${me}::uuid`;
}

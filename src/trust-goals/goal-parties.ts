import type { EntityManager } from 'typeorm';
import { ProblemError, UnprocessableProblem, type FieldError } from '../common/problem/problem';
import {
  partyIdField,
  partyIdOf,
  resolveParties,
  type PartyDto,
  type PartyId,
} from '../parties/party';
import type { RecordHolder } from '../parties/record-holder';
import { GOAL_ERRORS } from './goal-errors';
import { goalParties, type GoalRow } from './trust-goal.row';

/** One party of the holder (422 naming `field` otherwise), as stored (see PartyId). */
export async function resolveParty(
  manager: EntityManager,
  practiceId: string,
  holder: RecordHolder,
  party: PartyDto,
  field: string,
): Promise<PartyId> {
  try {
    const [id] = await resolveParties(manager, practiceId, holder, [party], field);
    return id ?? null;
  } catch (error) {
    // resolveParties names list items (`owner[0].familyMemberId`); this field is not a list.
    if (!(error instanceof ProblemError) || !error.errors) throw error;
    throw new ProblemError({
      problem: error.problem,
      title: error.title,
      detail: error.message,
      errors: error.errors.map((e) => ({ ...e, field: e.field.replace(`${field}[0]`, field) })),
    });
  }
}

/**
 * Checks that each party is one of the goal's two parties, and that none comes twice: 422 naming
 * the offending fields (`ratings[1].familyMemberId`, `ratings[0].party`).
 */
export function assertGoalParties(
  goal: GoalRow,
  parties: readonly { party: PartyDto; field: string }[],
): PartyId[] {
  const allowed = goalParties(goal);
  const seen = new Set<PartyId>();
  const errors: FieldError[] = [];
  const ids = parties.map(({ party, field }) => {
    const id = partyIdOf(party);
    if (!allowed.includes(id)) {
      errors.push({ field: partyIdField(party, field), message: 'is not a party of this goal' });
    } else if (seen.has(id)) {
      errors.push({ field, message: 'names a party already given' });
    }
    seen.add(id);
    return id;
  });
  if (errors.length > 0) {
    throw new UnprocessableProblem(
      GOAL_ERRORS.partyNotOfGoal,
      'Only the goal’s two parties can be named here, once each.',
      errors,
    );
  }
  return ids;
}

/** Records are dated when they happened: not in the future (a few minutes of clock skew allowed). */
export function assertNotFuture(timestamp: string, field: string): void {
  if (Date.parse(timestamp) > Date.now() + 5 * 60_000) {
    throw new UnprocessableProblem(
      GOAL_ERRORS.inTheFuture,
      'A record cannot be dated in the future.',
      [{ field, message: 'must not be in the future' }],
    );
  }
}

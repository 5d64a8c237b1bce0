import { ProblemError } from '../common/problem/problem';
import {
  allowedAchievements,
  assertCommitmentTransition,
  assertGoalState,
  planStatusChange,
  PLANNABLE,
  UNDER_WAY,
  type GoalStatuses,
} from './goal-status';
import {
  ACHIEVEMENT_STATUSES,
  COMMITMENT_STATUSES,
  LIFECYCLE_STATUSES,
  type AchievementStatus,
  type LifecycleStatus,
} from './goal-vocabulary';

// Every cell of the transition tables, written out as the rule reads, so that no move can be
// added or lost without a test failing.
const LIFECYCLE: Record<LifecycleStatus, LifecycleStatus[]> = {
  proposed: ['active', 'cancelled', 'entered_in_error'],
  active: ['on_hold', 'completed', 'cancelled', 'entered_in_error'],
  on_hold: ['active', 'cancelled', 'entered_in_error'],
  completed: ['active', 'entered_in_error'],
  cancelled: ['entered_in_error'],
  entered_in_error: [],
};

const BEFORE_TARGET: AchievementStatus[] = [
  'in_progress',
  'improving',
  'worsening',
  'no_change',
  'achieved',
  'sustaining',
];
/** What a goal under way may be assessed as next; `not_achieved` is added only when closing. */
const ACHIEVEMENT: Record<AchievementStatus, AchievementStatus[]> = {
  in_progress: BEFORE_TARGET.filter((status) => status !== 'in_progress'),
  improving: BEFORE_TARGET.filter((status) => status !== 'improving'),
  worsening: BEFORE_TARGET.filter((status) => status !== 'worsening'),
  no_change: BEFORE_TARGET.filter((status) => status !== 'no_change'),
  achieved: ['sustaining', 'worsening'],
  sustaining: ['worsening'],
  not_achieved: ['in_progress', 'improving', 'worsening', 'no_change', 'achieved'],
};

/** The lifecycle moves planStatusChange lets through, with whatever else the move needs. */
function lifecycleMoves(from: LifecycleStatus): LifecycleStatus[] {
  const current: GoalStatuses = { lifecycleStatus: from, achievementStatus: 'achieved' };
  return LIFECYCLE_STATUSES.filter((to) => {
    try {
      planStatusChange(current, { lifecycleStatus: to, reason: 'Agreed in session' });
      return true;
    } catch (error) {
      if (error instanceof ProblemError && error.status === 409) return false;
      throw error;
    }
  });
}

describe('goal status transition tables', () => {
  it.each(LIFECYCLE_STATUSES)('lifecycle: %s goes exactly where the rule says', (from) => {
    expect(lifecycleMoves(from)).toEqual(LIFECYCLE[from]);
  });

  it('resumes a goal on hold, and marks a cancelled one entered in error with a reason', () => {
    const onHold: GoalStatuses = { lifecycleStatus: 'on_hold', achievementStatus: 'improving' };
    expect(planStatusChange(onHold, { lifecycleStatus: 'active' })).toEqual({
      lifecycleStatus: 'active',
      achievementStatus: 'improving',
    });
    const cancelled: GoalStatuses = {
      lifecycleStatus: 'cancelled',
      achievementStatus: 'no_change',
    };
    expect(
      planStatusChange(cancelled, { lifecycleStatus: 'entered_in_error', reason: 'Wrong client' }),
    ).toEqual({ lifecycleStatus: 'entered_in_error', achievementStatus: 'no_change' });
  });

  it.each(ACHIEVEMENT_STATUSES)('achievement: %s, under way and when closing', (from) => {
    for (const lifecycleStatus of UNDER_WAY) {
      expect(allowedAchievements({ lifecycleStatus, achievementStatus: from })).toEqual(
        ACHIEVEMENT[from],
      );
    }
    const closed = allowedAchievements(
      { lifecycleStatus: 'active', achievementStatus: from },
      'completed',
    );
    // Once the target was met, closing keeps that verdict; not achieved stays not achieved.
    const verdict = ['achieved', 'sustaining', 'not_achieved'].includes(from)
      ? []
      : ['not_achieved'];
    expect(closed).toEqual([...ACHIEVEMENT[from], ...verdict]);
    expect(
      allowedAchievements({ lifecycleStatus: 'active', achievementStatus: from }, 'cancelled'),
    ).toEqual(closed);
  });

  it('lets trust that was sustained fall again, and re-opens a goal closed as not achieved', () => {
    const sustaining: GoalStatuses = { lifecycleStatus: 'active', achievementStatus: 'sustaining' };
    expect(planStatusChange(sustaining, { achievementStatus: 'worsening' }).achievementStatus).toBe(
      'worsening',
    );
    const notAchieved: GoalStatuses = {
      lifecycleStatus: 'completed',
      achievementStatus: 'not_achieved',
    };
    expect(allowedAchievements(notAchieved)).toEqual([]);
    expect(
      planStatusChange(notAchieved, { lifecycleStatus: 'active', achievementStatus: 'improving' }),
    ).toEqual({ lifecycleStatus: 'active', achievementStatus: 'improving' });
  });

  it('assesses a goal being activated, not one being marked entered in error', () => {
    const proposed: GoalStatuses = {
      lifecycleStatus: 'proposed',
      achievementStatus: 'in_progress',
    };
    expect(allowedAchievements(proposed)).toEqual([]);
    expect(allowedAchievements(proposed, 'active')).toEqual(ACHIEVEMENT.in_progress);
    expect(allowedAchievements(proposed, 'entered_in_error')).toEqual([]);
  });

  it('completes a goal as sustaining too', () => {
    expect(
      planStatusChange(
        { lifecycleStatus: 'active', achievementStatus: 'achieved' },
        { lifecycleStatus: 'completed', achievementStatus: 'sustaining' },
      ),
    ).toEqual({ lifecycleStatus: 'completed', achievementStatus: 'sustaining' });
  });

  it('names both statuses, in words, when it refuses', () => {
    const refusal = (current: GoalStatuses, request: Parameters<typeof planStatusChange>[1]) => {
      try {
        planStatusChange(current, request);
      } catch (error) {
        return error as ProblemError;
      }
      throw new Error('the change was allowed');
    };
    const onHold: GoalStatuses = { lifecycleStatus: 'on_hold', achievementStatus: 'achieved' };
    expect(refusal(onHold, { lifecycleStatus: 'completed' }).code).toBe(
      'invalid-status-transition',
    );
    expect(refusal(onHold, { achievementStatus: 'in_progress' }).code).toBe(
      'invalid-status-transition',
    );
    expect(refusal(onHold, { lifecycleStatus: 'completed' }).message).toBe(
      'A goal cannot go from on hold to completed.',
    );
    expect(refusal(onHold, { achievementStatus: 'in_progress' }).message).toBe(
      'The achievement status of this on hold goal cannot go from achieved to in progress.',
    );
    const empty = refusal(onHold, {});
    const message = 'one of lifecycleStatus and achievementStatus is required';
    expect(empty.errors).toEqual([
      { field: 'lifecycleStatus', message },
      { field: 'achievementStatus', message },
    ]);
    const active: GoalStatuses = { lifecycleStatus: 'active', achievementStatus: 'improving' };
    const unfinished = refusal(active, { lifecycleStatus: 'completed' });
    expect(unfinished).toMatchObject({
      status: 422,
      code: 'completion-outcome-required',
      message:
        'A goal is completed as achieved, sustaining or not achieved: send achievementStatus with it.',
      errors: [
        { field: 'achievementStatus', message: 'must be achieved, sustaining or not_achieved' },
      ],
    });
    const entered = refusal(onHold, { lifecycleStatus: 'entered_in_error' });
    expect(entered.code).toBe('status-reason-required');
    expect(entered.message).toBe('A goal is entered in error with a reason.');
    expect(entered.errors).toEqual([
      { field: 'reason', message: 'is required for entered_in_error' },
    ]);
  });

  it('plans goals that are proposed, active or on hold only', () => {
    expect(PLANNABLE).toEqual(['proposed', 'active', 'on_hold']);
    expect(UNDER_WAY).toEqual(['active', 'on_hold']);
    expect(() => assertGoalState('cancelled', PLANNABLE, 'be edited')).toThrow(
      expect.objectContaining({
        status: 409,
        code: 'goal-not-under-way',
        message: 'A cancelled goal cannot be edited.',
        extensions: { currentStatus: 'cancelled', requiredStatuses: PLANNABLE },
      }),
    );
  });

  it.each(COMMITMENT_STATUSES)('commitment: %s', (from) => {
    const allowed = { active: ['paused', 'ended'], paused: ['active', 'ended'], ended: [] }[from];
    const moves = COMMITMENT_STATUSES.filter((to) => {
      try {
        assertCommitmentTransition(from, to);
        return true;
      } catch (error) {
        expect(error).toMatchObject({
          status: 409,
          code: 'invalid-status-transition',
          message: `A commitment cannot go from ${from} to ${to}.`,
          extensions: { statusKind: 'commitment', allowedStatuses: allowed },
        });
        return false;
      }
    });
    expect(moves).toEqual(allowed);
  });
});

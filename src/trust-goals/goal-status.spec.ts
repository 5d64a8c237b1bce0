import { ProblemError } from '../common/problem/problem';
import {
  allowedAchievements,
  assertCommitmentTransition,
  assertGoalState,
  planStatusChange,
  UNDER_WAY,
  type StatusChangeRequest,
} from './goal-status';
import type { GoalStatuses } from './goal-status';

function refusal(current: GoalStatuses, request: StatusChangeRequest): ProblemError {
  try {
    planStatusChange(current, request);
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('the change was allowed');
}

const active: GoalStatuses = { lifecycleStatus: 'active', achievementStatus: 'improving' };

describe('goal status rules', () => {
  describe('lifecycle', () => {
    it('follows proposed → active ⇄ on hold → completed, and re-opens a completed goal', () => {
      const proposed: GoalStatuses = {
        lifecycleStatus: 'proposed',
        achievementStatus: 'in_progress',
      };
      expect(planStatusChange(proposed, { lifecycleStatus: 'active' }).lifecycleStatus).toBe(
        'active',
      );
      expect(planStatusChange(active, { lifecycleStatus: 'on_hold' }).lifecycleStatus).toBe(
        'on_hold',
      );
      const completed = planStatusChange(
        { lifecycleStatus: 'active', achievementStatus: 'achieved' },
        { lifecycleStatus: 'completed' },
      );
      expect(completed).toEqual({ lifecycleStatus: 'completed', achievementStatus: 'achieved' });
      expect(planStatusChange(completed, { lifecycleStatus: 'active' }).lifecycleStatus).toBe(
        'active',
      );
    });

    it('refuses other moves with 409 naming the current, requested and allowed statuses', () => {
      const error = refusal(
        { lifecycleStatus: 'proposed', achievementStatus: 'in_progress' },
        { lifecycleStatus: 'completed' },
      );
      expect(error.status).toBe(409);
      expect(error.extensions).toEqual({
        statusKind: 'lifecycle',
        currentStatus: 'proposed',
        requestedStatus: 'completed',
        allowedStatuses: ['active', 'cancelled', 'entered_in_error'],
        lifecycleStatus: 'proposed',
      });
      expect(refusal(active, { lifecycleStatus: 'active' }).status).toBe(409);
      expect(
        refusal(
          { lifecycleStatus: 'entered_in_error', achievementStatus: 'in_progress' },
          { lifecycleStatus: 'active' },
        ).extensions?.allowedStatuses,
      ).toEqual([]);
    });

    it('needs a reason to cancel or mark entered in error, and an outcome to complete', () => {
      const noReason = refusal(active, { lifecycleStatus: 'cancelled' });
      expect(noReason.status).toBe(422);
      expect(noReason.errors).toEqual([{ field: 'reason', message: 'is required for cancelled' }]);
      expect(refusal(active, { lifecycleStatus: 'entered_in_error', reason: '  ' }).status).toBe(
        422,
      );
      const noOutcome = refusal(active, { lifecycleStatus: 'completed' });
      expect(noOutcome.status).toBe(422);
      expect(noOutcome.errors?.[0]?.field).toBe('achievementStatus');
      expect(
        planStatusChange(active, {
          lifecycleStatus: 'completed',
          achievementStatus: 'not_achieved',
        }),
      ).toEqual({ lifecycleStatus: 'completed', achievementStatus: 'not_achieved' });
    });

    it('needs at least one status', () => {
      expect(refusal(active, {}).status).toBe(400);
    });
  });

  describe('achievement', () => {
    it('moves freely before the target is met', () => {
      for (const status of ['in_progress', 'worsening', 'no_change', 'achieved'] as const) {
        expect(planStatusChange(active, { achievementStatus: status }).achievementStatus).toBe(
          status,
        );
      }
    });

    it('once achieved, either holds (sustaining) or falls again (worsening)', () => {
      const achieved: GoalStatuses = { lifecycleStatus: 'active', achievementStatus: 'achieved' };
      expect(allowedAchievements(achieved)).toEqual(['sustaining', 'worsening']);
      const error = refusal(achieved, { achievementStatus: 'in_progress' });
      expect(error.status).toBe(409);
      expect(error.extensions).toMatchObject({
        statusKind: 'achievement',
        currentStatus: 'achieved',
        requestedStatus: 'in_progress',
      });
    });

    it('gives not achieved only as the verdict of closing the goal', () => {
      expect(refusal(active, { achievementStatus: 'not_achieved' }).status).toBe(409);
      expect(
        planStatusChange(active, {
          lifecycleStatus: 'cancelled',
          achievementStatus: 'not_achieved',
          reason: 'Family moved away',
        }),
      ).toEqual({ lifecycleStatus: 'cancelled', achievementStatus: 'not_achieved' });
    });

    it('is not assessed on a goal that is not under way', () => {
      for (const lifecycleStatus of ['proposed', 'completed', 'cancelled'] as const) {
        const error = refusal(
          { lifecycleStatus, achievementStatus: 'in_progress' },
          { achievementStatus: 'improving' },
        );
        expect(error.status).toBe(409);
        expect(error.extensions?.allowedStatuses).toEqual([]);
      }
    });
  });

  it('lets only goals under way take progress records', () => {
    expect(() => assertGoalState('active', UNDER_WAY, 'take a check-in')).not.toThrow();
    expect(() => assertGoalState('completed', UNDER_WAY, 'take a check-in')).toThrow(
      'A completed goal cannot take a check-in.',
    );
  });

  it('pauses, resumes and ends commitments; an ended one stays ended', () => {
    expect(() => assertCommitmentTransition('active', 'paused')).not.toThrow();
    expect(() => assertCommitmentTransition('paused', 'active')).not.toThrow();
    expect(() => assertCommitmentTransition('paused', 'ended')).not.toThrow();
    expect(() => assertCommitmentTransition('ended', 'active')).toThrow(ProblemError);
    expect(() => assertCommitmentTransition('active', 'active')).toThrow(ProblemError);
  });
});

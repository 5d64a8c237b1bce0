import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUTH_ERRORS } from '../auth/auth-errors';
import { AGREEMENT_ERRORS } from '../boundary-agreements/agreement-errors';
import { CASE_ERRORS } from '../cases/cases-errors';
import { CLIENT_ERRORS } from '../clients/client-errors';
import { INTAKE_ERRORS } from '../intake/intake-errors';
import { PartyView } from '../parties/party';
import { SESSION_ERRORS } from '../therapy-sessions/session-errors';
import { GOAL_ERRORS } from '../trust-goals/goal-errors';
import { ProblemDetailsSchema } from './problem-details.schema';

/** One occurrence of a series that could not be booked, and the session in its way. */
export class SessionConflictOccurrence {
  @ApiPropertyOptional({ format: 'uuid', description: 'The occurrence moved (series moves only)' })
  sessionId?: string;

  @ApiProperty({ format: 'date-time' })
  startsAt!: string;

  @ApiProperty({ format: 'uuid' })
  conflictingSessionId!: string;
}

/** A session overlap: the session in the way, and for a series each occurrence that collides. */
export class SessionOverlapProblem extends ProblemDetailsSchema {
  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    description:
      'The session the counselor or co-therapist already has then (null if it ended meanwhile)',
  })
  conflictingSessionId!: string | null;

  @ApiPropertyOptional({
    type: [SessionConflictOccurrence],
    description: 'Series only: every occurrence that collides, with its conflicting session',
  })
  conflicts?: SessionConflictOccurrence[];
}

/** A status that cannot make the change asked for, and what it can become. */
export class StatusTransitionProblem extends ProblemDetailsSchema {
  @ApiProperty() currentStatus!: string;
  @ApiProperty() requestedStatus!: string;
  @ApiProperty({ type: [String] }) allowedStatuses!: string[];

  @ApiPropertyOptional({
    enum: ['lifecycle', 'achievement', 'commitment'],
    description: 'Goals only: which status refused the change',
  })
  statusKind?: string;
}

/** A record whose status does not allow the action (`currentStatus`, and which would). */
export class StatusStateProblem extends ProblemDetailsSchema {
  @ApiProperty() currentStatus!: string;

  @ApiPropertyOptional({ type: [String], description: 'The statuses that allow the action' })
  requiredStatuses?: string[];
}

/** Acknowledgments missing: the parties who have not acknowledged the current version. */
export class AcknowledgmentsMissingProblem extends StatusTransitionProblem {
  @ApiProperty({ type: [PartyView], description: 'The parties still to acknowledge' })
  missingParties!: PartyView[];
}

/** An intake submission no longer pending: how the submission was already decided. */
export class SubmissionNotPendingProblem extends ProblemDetailsSchema {
  @ApiProperty({ enum: ['accepted', 'rejected', 'duplicate'] }) submissionStatus!: string;
}

/** An API key without the scope: the scope the route needs (null: no API key may call it). */
export class InsufficientScopeProblem extends ProblemDetailsSchema {
  @ApiProperty({ type: String, nullable: true }) requiredScope!: string | null;
}

/**
 * The problem codes whose body carries more than the problem details, with the schema of that
 * body. Kept beside the schemas rather than in the errors files, which stay free of OpenAPI.
 */
export const PROBLEM_EXTENSION_SCHEMAS: Record<string, typeof ProblemDetailsSchema> = {
  [SESSION_ERRORS.overlap.code]: SessionOverlapProblem,
  [CLIENT_ERRORS.invalidStatusTransition.code]: StatusTransitionProblem,
  [CASE_ERRORS.invalidCaseTransition.code]: StatusTransitionProblem,
  [AGREEMENT_ERRORS.invalidTransition.code]: StatusTransitionProblem,
  [SESSION_ERRORS.invalidStatus.code]: StatusStateProblem,
  [GOAL_ERRORS.goalNotUnderWay.code]: StatusStateProblem,
  [AGREEMENT_ERRORS.acknowledgmentsMissing.code]: AcknowledgmentsMissingProblem,
  [INTAKE_ERRORS.submissionNotPending.code]: SubmissionNotPendingProblem,
  [AUTH_ERRORS.insufficientScope.code]: InsufficientScopeProblem,
};

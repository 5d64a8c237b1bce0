import {
  CannotExecuteNotConnectedError,
  ConnectionIsNotSetError,
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import { COMMON_ERRORS } from './common-errors';
import {
  ProblemError,
  ServiceUnavailableProblem,
  type FieldError,
  type ProblemCode,
} from './problem';

/**
 * What a named database constraint means to a caller. Features register theirs at import time, with
 * a code from their errors file.
 */
export interface ConstraintMeaning {
  problem: ProblemCode<409 | 422>;
  detail: string;
  field?: string;
}

const constraintMeanings = new Map<string, ConstraintMeaning>();

/**
 * Registers the caller-facing meaning of a constraint, by the name the migration gave it, so that a
 * violation maps to a precise problem without parsing SQL or echoing values.
 */
export function describeConstraint(name: string, meaning: ConstraintMeaning): void {
  constraintMeanings.set(name, meaning);
}

interface PgError {
  code?: string;
  constraint?: string;
  message?: string;
}

// Errors raised by node-postgres itself (not the server) when the connection is gone or stuck.
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'connect ECONNREFUSED',
  'Cannot use a pool after calling end',
];
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);

// Raised by TypeORM, not the driver, when a connection died under a transaction: the query
// runner holding it has been released, and the use case's next statement has nowhere to go.
const CONNECTION_LOST_ERRORS = [
  QueryRunnerProviderAlreadyReleasedError,
  QueryRunnerAlreadyReleasedError,
  CannotExecuteNotConnectedError,
  ConnectionIsNotSetError,
];

/** True when the error means the database is unreachable, restarting or overloaded: an outage. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (CONNECTION_LOST_ERRORS.some((type) => error instanceof type)) return true;
  const pg = driverError(error);
  if (!pg) return false;
  const code = pg.code ?? '';
  if (CONNECTION_CODES.has(code)) return true;
  // 08: connection exception, but for 08P01 (protocol violation: a statement bound with more
  // values than it names, our own mistake and no outage, so a 500 and not a "retry"); 53:
  // insufficient resources; 57P01-57P05: shutdown, cannot connect now; 57014: statement cancelled
  // (our statement_timeout); 40001/40P01 still failing after the retries at the transaction
  // boundary (database/retrying-transactional-adapter.ts); 55P03: lock wait.
  if (
    (/^08/.test(code) && code !== '08P01') ||
    /^53/.test(code) ||
    /^57P0/.test(code) ||
    ['57014', '40001', '40P01', '55P03'].includes(code)
  ) {
    return true;
  }
  const message = pg.message ?? '';
  return CONNECTION_MESSAGES.some((fragment) => message.includes(fragment));
}

/**
 * Maps a database error to a problem, or returns undefined when it is not one we can explain (it
 * then becomes a plain 500). The problem never carries SQL, parameters or the values involved.
 */
export function databaseProblem(error: unknown): ProblemError | undefined {
  if (isDatabaseUnavailable(error)) {
    return new ServiceUnavailableProblem(
      'The database is unavailable or did not answer in time. Please retry shortly.',
    );
  }
  if (!(error instanceof QueryFailedError)) return undefined;
  const pg = driverError(error);
  const code = pg?.code ?? '';
  const meaning = pg?.constraint ? constraintMeanings.get(pg.constraint) : undefined;
  if (meaning) {
    const errors: FieldError[] | undefined = meaning.field
      ? [{ field: meaning.field, message: meaning.detail }]
      : undefined;
    return new ProblemError({ problem: meaning.problem, detail: meaning.detail, errors });
  }
  switch (code) {
    case '23505':
      return new ProblemError({
        problem: COMMON_ERRORS.conflict,
        detail: 'The request conflicts with an existing record.',
      });
    case '23P01':
      return new ProblemError({
        problem: COMMON_ERRORS.conflict,
        detail: 'The request overlaps an existing record.',
      });
    case '23503':
      return new ProblemError({
        problem: COMMON_ERRORS.unknownReference,
        detail: 'The request refers to a record that does not exist.',
      });
    case '23502':
    case '23514':
      return new ProblemError({
        problem: COMMON_ERRORS.constraintViolation,
        detail: 'The request breaks a rule of the record it writes.',
      });
    default:
      // 22xxx: data exceptions (a value out of range or malformed for its column).
      if (code.startsWith('22')) {
        return new ProblemError({
          problem: COMMON_ERRORS.invalidValue,
          detail: 'A value in the request is out of range or malformed.',
        });
      }
      return undefined;
  }
}

/** The fields of a database error that are safe to log: codes and names, never messages or values. */
export function loggableDatabaseError(error: unknown): Record<string, unknown> | undefined {
  const pg = driverError(error);
  if (!pg) return undefined;
  const { code, constraint } = pg;
  const extra = pg as { table?: string; routine?: string };
  return { code, constraint, table: extra.table, routine: extra.routine };
}

function driverError(error: unknown): PgError | undefined {
  if (error instanceof QueryFailedError) return error.driverError as PgError;
  if (error && typeof error === 'object' && ('code' in error || 'message' in error)) {
    return error as PgError;
  }
  return undefined;
}

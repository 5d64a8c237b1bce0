import { STATUS_CODES } from 'node:http';
import { COMMON_ERRORS } from './common-errors';

/** One field-level validation failure: `field` is a JSON path into the request (`members[2].email`). */
export interface FieldError {
  field: string;
  message: string;
}

/** The RFC 9457 body every error is answered with (`application/problem+json`). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types are URNs: stable identifiers that do not pretend to be web pages. */
export function problemType(code: string): string {
  return `urn:family-therapy:problem:${code}`;
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/**
 * One problem code a feature answers with, as its errors file declares it: the status it always comes
 * with and a line for the error catalog (OpenAPI and docs/errors.md). `detail` varies per throw;
 * the code and status never do.
 */
export interface ProblemCode<Status extends number = number> {
  readonly code: string;
  readonly status: Status;
  readonly description: string;
}

/** A feature's problem codes, keyed by a name its throw sites use (`CLIENT_ERRORS.dischargeIncomplete`). */
export type ProblemCodes = Readonly<Record<string, ProblemCode>>;

export interface ProblemInit {
  problem: ProblemCode;
  detail: string;
  title?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/**
 * Base of every error a feature throws on purpose. The global filter turns it into problem details;
 * features subclass it with their own codes (`ClientNotFoundError`, `SessionOverlapError`…).
 * `detail` is shown to callers and written to logs, so it must never contain PHI.
 */
export class ProblemError extends Error {
  readonly problem: ProblemCode;
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly extensions?: Record<string, unknown>;

  constructor(init: ProblemInit) {
    super(init.detail);
    this.name = new.target.name;
    this.problem = init.problem;
    this.status = init.problem.status;
    this.code = init.problem.code;
    this.title = init.title ?? statusTitle(init.problem.status);
    this.errors = init.errors;
    this.headers = init.headers;
    this.extensions = init.extensions;
  }
}

export class ValidationProblem extends ProblemError {
  constructor(
    errors: FieldError[],
    detail = 'The request is not valid; see errors for each field.',
  ) {
    super({ problem: COMMON_ERRORS.validationError, title: 'Invalid request', detail, errors });
  }
}

export class NotFoundProblem extends ProblemError {
  constructor(resource: string) {
    super({ problem: COMMON_ERRORS.notFound, detail: `${resource} was not found.` });
  }
}

export class ForbiddenProblem extends ProblemError {
  constructor(detail = 'Your role does not allow this action.') {
    super({ problem: COMMON_ERRORS.forbidden, detail });
  }
}

/** A 409 whose code comes from a feature's errors file; the type rejects a code declared as 422. */
export class ConflictProblem extends ProblemError {
  constructor(problem: ProblemCode<409>, detail: string, extensions?: Record<string, unknown>) {
    super({ problem, detail, extensions });
  }
}

/** A 422 whose code comes from a feature's errors file; the type rejects a code declared as 409. */
export class UnprocessableProblem extends ProblemError {
  constructor(problem: ProblemCode<422>, detail: string, errors?: FieldError[]) {
    super({ problem, detail, errors });
  }
}

export class ServiceUnavailableProblem extends ProblemError {
  constructor(detail: string, retryAfterSeconds = 5) {
    super({
      problem: COMMON_ERRORS.serviceUnavailable,
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

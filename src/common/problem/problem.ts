import { STATUS_CODES } from 'node:http';

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

export interface ProblemInit {
  status: number;
  code: string;
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
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly extensions?: Record<string, unknown>;

  constructor(init: ProblemInit) {
    super(init.detail);
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? statusTitle(init.status);
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
    super({ status: 400, code: 'validation-error', title: 'Invalid request', detail, errors });
  }
}

export class NotFoundProblem extends ProblemError {
  constructor(resource: string) {
    super({ status: 404, code: 'not-found', detail: `${resource} was not found.` });
  }
}

export class ForbiddenProblem extends ProblemError {
  constructor(detail = 'Your role does not allow this action.') {
    super({ status: 403, code: 'forbidden', detail });
  }
}

export class ConflictProblem extends ProblemError {
  constructor(code: string, detail: string, extensions?: Record<string, unknown>) {
    super({ status: 409, code, detail, extensions });
  }
}

export class UnprocessableProblem extends ProblemError {
  constructor(code: string, detail: string, errors?: FieldError[]) {
    super({ status: 422, code, detail, errors });
  }
}

export class ServiceUnavailableProblem extends ProblemError {
  constructor(detail: string, retryAfterSeconds = 5) {
    super({
      status: 503,
      code: 'service-unavailable',
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

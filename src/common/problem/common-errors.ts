import type { ProblemCodes } from './problem';

/**
 * Problem codes any route can answer with: request shape, records not found or changed, limits, and
 * database errors no feature explains more precisely. Listed in the OpenAPI document and
 * docs/errors.md through the problem catalog.
 */
export const COMMON_ERRORS = {
  validationError: {
    code: 'validation-error',
    status: 400,
    description: 'The request body, query or path is not valid; `errors` names each field.',
  },
  malformedJson: {
    code: 'malformed-json',
    status: 400,
    description: 'The request body is not valid JSON.',
  },
  requestAborted: {
    code: 'request-aborted',
    status: 400,
    description: 'The request was aborted before its body was received.',
  },
  requestSizeInvalid: {
    code: 'request-size-invalid',
    status: 400,
    description: 'The request body length does not match its Content-Length.',
  },
  forbidden: {
    code: 'forbidden',
    status: 403,
    description: 'The caller’s role does not allow this action.',
  },
  notFound: {
    code: 'not-found',
    status: 404,
    description:
      'The record does not exist, or the caller may not know that it does (another practice, no access to the client), or no route matches.',
  },
  conflict: {
    code: 'conflict',
    status: 409,
    description: 'The request conflicts with or overlaps an existing record.',
  },
  preconditionFailed: {
    code: 'precondition-failed',
    status: 412,
    description: 'The record changed since it was read: `If-Match` does not match its ETag.',
  },
  payloadTooLarge: {
    code: 'payload-too-large',
    status: 413,
    description: 'The request body exceeds the 1 MB limit.',
  },
  unsupportedMediaType: {
    code: 'unsupported-media-type',
    status: 415,
    description: 'The request body is not sent as JSON (`Content-Type: application/json`).',
  },
  unsupportedEncoding: {
    code: 'unsupported-encoding',
    status: 415,
    description: 'The request body encoding is not supported.',
  },
  unsupportedCharset: {
    code: 'unsupported-charset',
    status: 415,
    description: 'The request body charset is not supported; use UTF-8.',
  },
  idempotencyKeyReused: {
    code: 'idempotency-key-reused',
    status: 422,
    description: 'The `Idempotency-Key` was already used with a different request body.',
  },
  unknownReference: {
    code: 'unknown-reference',
    status: 422,
    description: 'The request refers to a record that does not exist.',
  },
  constraintViolation: {
    code: 'constraint-violation',
    status: 422,
    description: 'The request breaks a rule of the record it writes.',
  },
  invalidValue: {
    code: 'invalid-value',
    status: 422,
    description: 'A value is out of range or malformed for its field.',
  },
  rateLimited: {
    code: 'rate-limited',
    status: 429,
    description: 'Too many attempts; `Retry-After` says when to try again.',
  },
  internalError: {
    code: 'internal-error',
    status: 500,
    description: 'An unexpected error; it is logged under the response’s request id.',
  },
  serviceUnavailable: {
    code: 'service-unavailable',
    status: 503,
    description:
      'The database is unavailable or too slow, or the API is shutting down; retry after `Retry-After` seconds.',
  },
} as const satisfies ProblemCodes;

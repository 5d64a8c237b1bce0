import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { loggablePath } from '../logging/http-logger';
import { COMMON_ERRORS } from './common-errors';
import { databaseProblem, isDatabaseUnavailable, loggableDatabaseError } from './database-errors';
import {
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  problemType,
  statusTitle,
  type ProblemCode,
  type ProblemDetails,
} from './problem';

// body-parser signals its failures with a `type`; each gets a precise answer.
const BODY_PARSER_PROBLEMS: Record<string, { problem: ProblemCode; detail: string }> = {
  'entity.too.large': {
    problem: COMMON_ERRORS.payloadTooLarge,
    detail: 'The request body exceeds the 1 MB limit.',
  },
  'entity.parse.failed': {
    problem: COMMON_ERRORS.malformedJson,
    detail: 'The request body is not valid JSON.',
  },
  'encoding.unsupported': {
    problem: COMMON_ERRORS.unsupportedEncoding,
    detail: 'The request body encoding is not supported.',
  },
  'charset.unsupported': {
    problem: COMMON_ERRORS.unsupportedCharset,
    detail: 'The request body charset is not supported; use UTF-8.',
  },
  'request.aborted': {
    problem: COMMON_ERRORS.requestAborted,
    detail: 'The request was aborted before its body was received.',
  },
  'request.size.invalid': {
    problem: COMMON_ERRORS.requestSizeInvalid,
    detail: 'The request body length does not match its Content-Length.',
  },
};

/**
 * Answers every error, from any layer, as RFC 9457 problem details. Nothing from an unexpected error
 * (message, stack, SQL) reaches the caller; the log keeps what is needed to investigate, minus PHI.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const path = requestPath(request);
    const problem = this.toProblem(exception, request.method, path);
    const body: ProblemDetails = {
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: path,
      requestId: request.id,
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...problem.extensions,
    };
    this.log(exception, body.status);
    if (response.headersSent) {
      response.end();
      return;
    }
    for (const [name, value] of Object.entries(problem.headers ?? {}))
      response.setHeader(name, value);
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private toProblem(exception: unknown, method: string, path: string): ResolvedProblem {
    if (exception instanceof ProblemError) return fromProblemError(exception);
    const database = databaseProblem(exception);
    if (database) return fromProblemError(database);
    // Parser messages can quote the body they failed on: answer with our own words instead.
    const parserProblem =
      bodyParserProblem(exception) ??
      (exception instanceof HttpException ? bodyParserProblem(exception.cause) : undefined);
    if (parserProblem) return parserProblem;
    if (exception instanceof HttpException) return fromHttpException(exception, method, path);
    return {
      type: problemType(COMMON_ERRORS.internalError.code),
      title: statusTitle(COMMON_ERRORS.internalError.status),
      status: COMMON_ERRORS.internalError.status,
      detail: 'An unexpected error occurred. It has been logged with this request id.',
    };
  }

  private log(exception: unknown, status: number): void {
    if (status < 500) return;
    const database = loggableDatabaseError(exception);
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ database, status }, 'database unavailable');
    } else if (database && database.code) {
      // Database messages can quote the values involved (PHI): log the codes only.
      this.logger.error({ database, status }, 'database error');
    } else {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        { err: { type: error.name, message: error.message, stack: error.stack }, status },
        'unhandled error',
      );
    }
  }
}

interface ResolvedProblem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemDetails['errors'];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

function fromProblemError(error: ProblemError): ResolvedProblem {
  return {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.message,
    errors: error.errors,
    headers: error.headers,
    extensions: error.extensions,
  };
}

function fromHttpException(
  exception: HttpException,
  method: string,
  path: string,
): ResolvedProblem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const message =
    typeof response === 'string' ? response : (response as { message?: unknown }).message;
  let detail = typeof message === 'string' ? message : statusTitle(status);
  // The router's own message quotes the whole URL, query string included (search terms are PHI).
  if (status === 404 && detail.startsWith('Cannot ')) {
    detail = `No route matches ${method} ${path}.`;
  } else if (exception.cause instanceof URIError) {
    detail = 'The request path is not validly encoded.';
  }
  return {
    type: problemType(slug(statusTitle(status))),
    title: statusTitle(status),
    status,
    detail,
  };
}

function bodyParserProblem(exception: unknown): ResolvedProblem | undefined {
  const type = (exception as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') return undefined;
  const known = BODY_PARSER_PROBLEMS[type];
  if (!known) return undefined;
  return {
    type: problemType(known.problem.code),
    title: statusTitle(known.problem.status),
    status: known.problem.status,
    detail: known.detail,
  };
}

/** The request path without its query string (searched names) or secret segments (link tokens). */
function requestPath(request: Request): string {
  return loggablePath(request.originalUrl ?? request.url) || '/';
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/(^-|-$)/g, '');
}

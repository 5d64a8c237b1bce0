import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { getSchemaPath, type OpenAPIObject, type SchemaObject } from '@nestjs/swagger';
import { AUTH_ERRORS } from '../auth/auth-errors';
import {
  HIDDEN_FROM_API_CLIENTS,
  IS_PUBLIC,
  REQUIRED_ROLES,
  STAFF_AUTHOR_ONLY,
} from '../common/actor/decorators';
import { COMMON_ERRORS } from '../common/problem/common-errors';
import { statusTitle } from '../common/problem/problem';
import OPERATION_PROBLEMS from './operation-problems.json';
import { ProblemDetailsSchema } from './problem-details.schema';
import { PROBLEM_EXTENSION_SCHEMAS } from './problem-extensions';
import { problemTypeListing } from './problem-catalog';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
const METHODS: Method[] = ['get', 'put', 'post', 'patch', 'delete'];

/** Where an operation's problem codes are listed, on each of its error responses. */
export const PROBLEM_CODES_EXTENSION = 'x-problem-codes';

/** What the guard decides from a handler's decorators, by the operationId of its route. */
interface RouteFacts {
  roles: boolean;
  hiddenFromApiClients: boolean;
  staffAuthorOnly: boolean;
}

/** Codes the framework, not the handler, answers with: the body parser and the validation pipe. */
const BODY_CODES = [
  COMMON_ERRORS.malformedJson,
  COMMON_ERRORS.requestAborted,
  COMMON_ERRORS.requestSizeInvalid,
  COMMON_ERRORS.payloadTooLarge,
  COMMON_ERRORS.unsupportedMediaType,
  COMMON_ERRORS.unsupportedEncoding,
  COMMON_ERRORS.unsupportedCharset,
].map(({ code }) => code);
/** The filter's answers to database errors no feature explains: any write can meet them. */
const DATABASE_WRITE_CODES = [
  COMMON_ERRORS.conflict,
  COMMON_ERRORS.unknownReference,
  COMMON_ERRORS.constraintViolation,
  COMMON_ERRORS.invalidValue,
].map(({ code }) => code);
/** The guard's answers to an API key or token, on every route that needs one. */
const AUTHENTICATED_CODES = [
  AUTH_ERRORS.unauthenticated,
  AUTH_ERRORS.insufficientScope,
  AUTH_ERRORS.ipNotAllowed,
  COMMON_ERRORS.rateLimited,
].map(({ code }) => code);

const RETRY_AFTER = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'integer' as const },
};

/**
 * Every operation lists its error answers status by status, each with the problem codes it can
 * carry (`x-problem-codes`, and in its description for people, who find what each means in the
 * table on the problem schema) and the schema of that body:
 * problem details, or for codes with more fields (a session overlap and its
 * `conflictingSessionId`…) their own schema. The codes are the ones the handler's code can raise
 * (src/bootstrap/operation-problems.json, which a test keeps equal to an analysis of the code) and
 * the ones the guard, pipes and body parser add by rule.
 */
export function documentProblemResponses(
  app: INestApplication,
  document: OpenAPIObject,
  rateLimitHeaders: Record<string, { $ref: string }>,
): void {
  composeExtensionSchemas(document);
  const facts = routeFactsByOperationId(app);
  const listing = new Map(problemTypeListing().map((entry) => [entry.code, entry]));
  const analysed = OPERATION_PROBLEMS as Record<string, string[]>;
  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      const codes = operationCodes(operation, method, analysed, facts);
      const unknown = [...codes].filter((code) => !listing.has(code));
      if (unknown.length > 0)
        throw new Error(`${method} ${path} lists unknown problem codes: ${unknown.join(', ')}`);
      const byStatus = new Map<number, string[]>();
      for (const code of [...codes].sort()) {
        const { status } = listing.get(code)!;
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
      }
      delete operation.responses['4XX'];
      delete operation.responses['5XX'];
      for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
        // ResponseObject declares no `x-` extensions, though OpenAPI allows them on every response.
        operation.responses[String(status)] = {
          description: `${statusTitle(status)}: ${statusCodes.map((code) => `\`${code}\``).join(', ')} (the problem types are described on \`ProblemDetailsSchema\`)`,
          ...headersFor(status, operation, rateLimitHeaders),
          content: { 'application/problem+json': { schema: schemaFor(statusCodes) } },
          [PROBLEM_CODES_EXTENSION]: statusCodes,
        } as OperationObject['responses'][string];
      }
    }
  }
}

/**
 * The extension classes extend the problem schema (so the compiler keeps them in step), which the
 * document would flatten into copies of its properties: each becomes `allOf` the problem schema
 * and its own fields, so that generated clients see one problem type, extended.
 */
function composeExtensionSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const base = schemas[ProblemDetailsSchema.name] as SchemaObject;
  const inherited = new Set(Object.keys(base.properties ?? {}));
  for (const model of PROBLEM_EXTENSION_MODELS) {
    const schema = schemas[model.name] as SchemaObject;
    const own = Object.entries(schema.properties ?? {}).filter(([name]) => !inherited.has(name));
    const required = (schema.required ?? []).filter((name) => !inherited.has(name));
    schemas[model.name] = {
      allOf: [
        { $ref: getSchemaPath(ProblemDetailsSchema) },
        {
          type: 'object',
          properties: Object.fromEntries(own),
          ...(required.length > 0 ? { required } : {}),
        },
      ],
    };
  }
}

/** The schemas of the problem bodies beyond plain problem details, for `extraModels`. */
export const PROBLEM_EXTENSION_MODELS = [...new Set(Object.values(PROBLEM_EXTENSION_SCHEMAS))];

function operationCodes(
  operation: OperationObject,
  method: Method,
  analysed: Record<string, string[]>,
  facts: Map<string, RouteFacts>,
): Set<string> {
  const codes = new Set<string>([
    ...(analysed[operation.operationId ?? ''] ?? []),
    COMMON_ERRORS.internalError.code,
    COMMON_ERRORS.serviceUnavailable.code,
  ]);
  const add = (...added: string[]) => added.forEach((code) => codes.add(code));
  const parameters = (operation.parameters ?? []).filter((parameter) => 'in' in parameter);
  if (parameters.some((parameter) => parameter.in === 'path' || parameter.in === 'query'))
    add(COMMON_ERRORS.validationError.code);
  if (method !== 'get') add(...BODY_CODES, ...DATABASE_WRITE_CODES);
  if (operation.requestBody) add(COMMON_ERRORS.validationError.code);
  if (parameters.some((parameter) => parameter.name === 'Idempotency-Key'))
    add(COMMON_ERRORS.idempotencyKeyReused.code);
  if (parameters.some((parameter) => parameter.name === 'If-Match'))
    add(COMMON_ERRORS.preconditionFailed.code);
  const route = facts.get(operation.operationId ?? '');
  if (operation.security?.length) {
    add(...AUTHENTICATED_CODES);
    if (route?.roles) add(COMMON_ERRORS.forbidden.code);
    if (route?.hiddenFromApiClients) add(COMMON_ERRORS.notFound.code);
    if (route?.staffAuthorOnly) add(AUTH_ERRORS.staffAuthorRequired.code);
  }
  return codes;
}

function schemaFor(codes: string[]) {
  const schemas = [
    ...new Set(codes.map((code) => PROBLEM_EXTENSION_SCHEMAS[code] ?? ProblemDetailsSchema)),
  ].map((schema) => ({ $ref: getSchemaPath(schema) }));
  return schemas.length === 1 ? schemas[0]! : { anyOf: schemas };
}

function headersFor(
  status: number,
  operation: OperationObject,
  rateLimitHeaders: Record<string, { $ref: string }>,
): { headers?: Record<string, unknown> } {
  if (status === 401)
    return {
      headers: {
        'WWW-Authenticate': {
          description: '`Bearer`: send an access token or API key',
          schema: { type: 'string' },
        },
      },
    };
  if (status === 429)
    return {
      headers: {
        'Retry-After': RETRY_AFTER,
        ...(operation.security?.length ? rateLimitHeaders : {}),
      },
    };
  if (status === 503) return { headers: { 'Retry-After': RETRY_AFTER } };
  return {};
}

/** Reads the guard's decorators off every controller's handlers, keyed by their operationId. */
function routeFactsByOperationId(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      for (const name of Object.getOwnPropertyNames(metatype.prototype)) {
        const handler = (metatype.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const operation = Reflect.getMetadata('swagger/apiOperation', handler) as
          { operationId?: string } | undefined;
        if (!operation?.operationId) continue;
        const read = (key: string): unknown =>
          Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, metatype);
        if (read(IS_PUBLIC)) continue;
        facts.set(operation.operationId, {
          roles: Array.isArray(read(REQUIRED_ROLES)),
          hiddenFromApiClients: Boolean(read(HIDDEN_FROM_API_CLIENTS)),
          staffAuthorOnly: Boolean(read(STAFF_AUTHOR_ONLY)),
        });
      }
    }
  }
  return facts;
}

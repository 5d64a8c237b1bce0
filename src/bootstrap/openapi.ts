import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { ETAG_EXTENSION, LOCATION_EXTENSION } from '../common/http/response-headers.decorators';
import { NOT_TAKEN_EXTENSION } from '../common/idempotency/idempotency.decorators';
import { COMMON_ERRORS } from '../common/problem/common-errors';
import { showValidationRulesInSchemas } from './openapi-constraints';
import { documentProblemResponses, PROBLEM_EXTENSION_MODELS } from './openapi-problems';
import { showVariants, VARIANT_MODELS } from './openapi-variants';
import { FieldErrorSchema, ProblemDetailsSchema } from './problem-details.schema';
import { problemTypeListing } from './problem-catalog';

/** Builds the OpenAPI 3 document from the code and serves it at /docs (UI) and /docs-json. */
export function setupOpenApi(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Family therapy case management API')
    .setDescription(
      'Clients, families, therapy sessions and notes, boundary agreements, trust-rebuilding goals ' +
        'and a tamper-evident audit trail. Errors are RFC 9457 problem details.',
    )
    .setVersion(version)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    // Relative to where the document is served: the API answers on the host that serves it.
    .addServer('/', 'The server that serves this document')
    .build();
  showValidationRulesInSchemas();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [
      ProblemDetailsSchema,
      FieldErrorSchema,
      ...PROBLEM_EXTENSION_MODELS,
      ...VARIANT_MODELS,
    ],
  });
  showVariants(document);
  // Before the error answers: a route taking Idempotency-Key can answer idempotency-key-reused.
  documentIdempotencyKeys(document);
  addProblemResponses(app, document);
  markUuidPathParameters(document);
  declareResponseHeaders(document);
  listProblemTypes(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    useGlobalPrefix: false,
  });
  return document;
}

const RESPONSE_HEADERS = {
  [ETAG_EXTENSION]: {
    name: 'ETag',
    description: 'The version of the record answered with: send it as `If-Match` to change it',
  },
  [LOCATION_EXTENSION]: { name: 'Location', description: 'The path of the record created' },
} as const;

/** Headers a controller sets itself (`@ApiEtagHeader()`, `@ApiLocationHeader()`), on its 2XX. */
function declareResponseHeaders(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      // OperationObject declares no `x-` extensions, though OpenAPI allows them on every operation.
      const operation = pathItem[method] as (OperationObject & Record<string, unknown>) | undefined;
      if (!operation) continue;
      for (const [extension, { name, description }] of Object.entries(RESPONSE_HEADERS)) {
        if (!operation[extension]) continue;
        delete operation[extension];
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!/^2/.test(status) || !response || '$ref' in response) continue;
          response.headers = {
            ...response.headers,
            [name]: { description, schema: { type: 'string' } },
          };
        }
      }
    }
  }
}

/** Every `id` or `…Id` path parameter goes through `UuidParamPipe`: a UUID or a 400. */
function markUuidPathParameters(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      for (const parameter of pathItem[method]?.parameters ?? []) {
        if ('$ref' in parameter || parameter.in !== 'path' || !/^(id|\w+Id)$/.test(parameter.name))
          continue;
        parameter.schema = { type: 'string', format: 'uuid' };
      }
    }
  }
}

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': 'Requests allowed per window to the signed-in caller',
  'RateLimit-Remaining': 'Requests left in the current window',
  'RateLimit-Reset': 'Seconds until the window ends',
  'RateLimit-Policy': 'The quota and its window in seconds, e.g. `600;w=60`',
} as const;

/**
 * Every operation can fail; each documents its error answers as problem details, status by status
 * with the codes it can answer (openapi-problems.ts). Operations that need a token also document
 * the per-caller rate limit (draft-ietf-httpapi-ratelimit-headers-06 fields on every answer, 429
 * past the budget).
 */
function addProblemResponses(app: INestApplication, document: OpenAPIObject): void {
  document.components ??= {};
  document.components.headers = {
    ...document.components.headers,
    ...Object.fromEntries(
      Object.entries(RATE_LIMIT_HEADERS).map(([name, description]) => [
        name,
        { description, schema: { type: name === 'RateLimit-Policy' ? 'string' : 'integer' } },
      ]),
    ),
  };
  const rateLimitHeaders = Object.fromEntries(
    Object.keys(RATE_LIMIT_HEADERS).map((name) => [name, { $ref: `#/components/headers/${name}` }]),
  );
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = pathItem[method];
      if (!operation) continue;
      if (operation.security?.some((requirement) => 'bearer' in requirement)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (response && /^2/.test(status) && !('$ref' in response))
            response.headers = { ...response.headers, ...rateLimitHeaders };
        }
      } else {
        // Without a bearer requirement a route is `@Public()` (the guard denies by default); the
        // empty list says so to tools, which otherwise fall back to a document-wide default.
        operation.security = [];
      }
    }
  }
  documentProblemResponses(app, document, rateLimitHeaders);
}

/**
 * The problem types the API answers with, on the problem schema: a table in its description for
 * people (Swagger UI and Redoc render it) and `x-problem-types` for tools. Not an enum on `type`:
 * RFC 9457 clients must accept types they do not know, and a client generated from an enum would
 * reject a type added in a later version.
 */
function listProblemTypes(document: OpenAPIObject): void {
  // SchemaObject declares no `x-` extensions, though OpenAPI allows them on every schema.
  const schema = document.components?.schemas?.[ProblemDetailsSchema.name] as SchemaObject &
    Record<`x-${string}`, unknown>;
  const listing = problemTypeListing();
  schema.description = [
    'RFC 9457 problem details: the body of every error response. The problem types:',
    '',
    '| type | status | meaning |',
    '| --- | --- | --- |',
    ...listing.map(
      ({ type, status, title, description }) =>
        `| \`${type}\` | ${status} ${title} | ${description.replaceAll('|', '\\|')} |`,
    ),
  ].join('\n');
  schema['x-problem-types'] = listing;
}

const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header' as const,
  required: false,
  description:
    'Retry-safe creation (1-200 letters, digits or `._:-`, kept 24 hours): the same key with the same request replays the first answer (201, same body, `Idempotency-Replayed: true`); ' +
    `with another request it answers 422 \`${COMMON_ERRORS.idempotencyKeyReused.code}\`.`,
  schema: { type: 'string' as const },
};

/**
 * Every POST says where it stands on `Idempotency-Key`: a creating one (201) documents the header
 * and the replay marker; any other says why it does not take one, in its description.
 */
function documentIdempotencyKeys(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    const operation = pathItem.post;
    if (!operation) continue;
    const created = operation.responses['201'];
    // OperationObject declares no `x-` extensions, though OpenAPI allows them on every operation.
    const notTaken = (operation as unknown as Record<string, unknown>)[NOT_TAKEN_EXTENSION] as
      { reason: string } | undefined;
    const reason =
      notTaken?.reason ??
      (created
        ? undefined
        : 'it acts on a record that exists, whose state decides what a repeat does');
    if (reason) {
      operation.description = [
        operation.description,
        `Does not take \`Idempotency-Key\`: ${reason}.`,
      ]
        .filter(Boolean)
        .join('\n\n');
      continue;
    }
    operation.parameters = [
      ...(operation.parameters ?? []).filter(
        (parameter) => !('name' in parameter && parameter.name === 'Idempotency-Key'),
      ),
      IDEMPOTENCY_KEY_PARAMETER,
    ];
    if (created && !('$ref' in created)) {
      created.headers = {
        ...created.headers,
        'Idempotency-Replayed': {
          description:
            '`true` when this answer is the replay of an earlier request with the same key',
          schema: { type: 'string' },
        },
      };
    }
  }
}

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;

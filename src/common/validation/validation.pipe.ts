import { Injectable, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { COMMON_ERRORS } from '../problem/common-errors';
import { ProblemError, ValidationProblem, type FieldError } from '../problem/problem';

/**
 * The global pipe: transforms payloads into their DTO classes and rejects unknown fields, wrong
 * types and missing required fields with one problem listing every field. A body that is not a
 * JSON object (an array, a string, null) is refused before class-transformer ever sees it.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) =>
        new ValidationProblem(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && isDtoClass(metadata.metatype) && !isPlainObject(value)) {
      if (value === undefined) {
        throw new ProblemError({
          problem: COMMON_ERRORS.unsupportedMediaType,
          detail: 'Send the request body as JSON with Content-Type: application/json.',
        });
      }
      throw new ValidationProblem(
        [{ field: '(body)', message: 'must be a JSON object' }],
        'The request body must be a JSON object.',
      );
    }
    if (metadata.type === 'body' || metadata.type === 'query') assertSafeShape(value);
    return super.transform(value, metadata);
  }
}

/** Deeper than any of our DTOs goes; deeper payloads are refused before anything recurses into them. */
export const MAX_JSON_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * One iterative walk over the payload before class-transformer's recursive one: a 1 MB body can
 * nest hundreds of thousands of levels (a stack overflow, so a 500), keys such as `__proto__`
 * would otherwise be dropped silently or set an object's prototype instead of being refused, and
 * lone surrogates make some validators throw instead of answering.
 */
function assertSafeShape(root: unknown): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: root, path: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    // A lone surrogate is not text: some validators throw on it (a 500) instead of refusing it.
    if (typeof value === 'string' && !value.isWellFormed()) {
      throw new ValidationProblem([
        { field: path || '(body)', message: 'must be well-formed Unicode text' },
      ]);
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw new ValidationProblem(
        [
          {
            field: path || '(body)',
            message: `must not nest deeper than ${MAX_JSON_DEPTH} levels`,
          },
        ],
        'The request body is nested too deeply.',
      );
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }),
      );
      continue;
    }
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key) || !key.isWellFormed()) {
        throw new ValidationProblem([{ field, message: 'is not an allowed property name' }]);
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
}

/** Turns class-validator's nested error tree into flat `{ field, message }` pairs with JSON paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = joinPath(parent, error.property);
    for (const message of Object.values(error.constraints ?? {})) {
      result.push({ field, message: stripPropertyName(message, error.property) });
    }
    if (error.children?.length) result.push(...flattenValidationErrors(error.children, field));
  }
  return result;
}

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

// class-validator prefixes messages with the property name ("email must be an email"); the field
// is already named in `field`, so the message keeps only the rule.
function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

function isDtoClass(metatype: ArgumentMetadata['metatype']): boolean {
  return (
    typeof metatype === 'function' &&
    ![String, Number, Boolean, Array, Object].includes(metatype as never)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

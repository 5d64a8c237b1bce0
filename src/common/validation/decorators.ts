import { applyDecorators } from '@nestjs/common';
import {
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';

// Control characters (other than none at all) have no place in names and short text fields.
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}\p{Cs}]*$/u;

/** A short single-line text: trimmed length within bounds, no control characters. */
export function IsPlainText(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MinLength(min),
    MaxLength(max),
    Matches(NO_CONTROL_CHARACTERS, { message: 'must not contain control characters' }),
  );
}

/** Longer text (reasons, descriptions): line breaks and tabs allowed, other control characters not. */
export function IsProse(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MinLength(min),
    MaxLength(max),
    Matches(/^(?:[^\p{Cc}\p{Cs}]|[\t\n\r])*$/u, {
      message: 'must not contain control characters',
    }),
  );
}

/** A calendar date `YYYY-MM-DD` that exists, between 1900-01-01 and today (UTC). */
export function IsPastCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPastCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: 'must be a real date (YYYY-MM-DD) between 1900-01-01 and today',
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          isCalendarDate(value) && value >= '1900-01-01' && value <= today(),
      },
    });
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must be a real date (YYYY-MM-DD)', ...options },
      validator: { validate: isCalendarDate },
    });
}

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

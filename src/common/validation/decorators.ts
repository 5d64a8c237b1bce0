import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateBy,
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

// Characters that change how a name looks or reads without being seen: bidirectional overrides
// (U+202E makes "Smith" render as "htimS"), zero-width spaces, byte-order marks, soft hyphens,
// private-use and noncharacter code points, line and paragraph separators. Zero-width (non-)joiners
// (U+200C, U+200D) stay: Persian, Indic and other scripts need them to spell names correctly.
const INVISIBLE_OR_REORDERING =
  /(?![\u200C\u200D])[\p{Cf}\p{Co}\p{Noncharacter_Code_Point}\p{Zl}\p{Zp}]/u;

/** Stores a string in Unicode NFC, so "Zoë" typed composed or decomposed is one name, found by one search. */
export const NormalizeNfc = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.normalize('NFC') : value,
  );

/**
 * A person's name as staff enter it: plain text (see {@link IsPlainText}), NFC-normalised, and
 * free of invisible, reordering and noncharacter code points. A rule of its own name, so that its
 * message does not replace the control-character one (class-validator keys messages by rule).
 */
export function IsName(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    NormalizeNfc(),
    IsPlainText(min, max),
    ValidateBy({
      name: 'isVisibleText',
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || !INVISIBLE_OR_REORDERING.test(value),
        defaultMessage: () =>
          'must not contain invisible, direction-changing or noncharacter code points',
      },
    }),
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

import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { IsName } from '../common/validation/decorators';

// Letters of any script, combining marks, the zero-width (non-)joiners some scripts need, spaces,
// apostrophes (straight and typographic), hyphens and periods: "O'Brien-Núñez", "Zoë", "Nguyễn", "李", "J. R." pass; digits, quotes, semicolons,
// brackets and the rest of an SQL fragment do not. Both patterns are linear: no nested
// quantifiers, so a hostile megabyte of spaces cannot make them backtrack.
const NAME_CHARACTERS = /^(?:[\p{L}\p{M} '’.-]|\u200C|\u200D)*$/u;
const HAS_LETTER = /\p{L}/u;

/**
 * A person's name: plain text of letters, marks, spaces, apostrophes, hyphens and periods, with at
 * least one letter. A rule of its own (not another `Matches`, whose messages would overwrite the
 * control-character message of `IsPlainText`: class-validator keys messages by rule name).
 */
export function IsPersonName(max: number): PropertyDecorator {
  return applyDecorators(
    IsName(1, max),
    ValidateBy({
      name: 'isPersonName',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && NAME_CHARACTERS.test(value) && HAS_LETTER.test(value),
        defaultMessage: ({ value }: ValidationArguments) =>
          typeof value === 'string' && NAME_CHARACTERS.test(value)
            ? 'must contain a letter'
            : 'may contain only letters, spaces, apostrophes, hyphens and periods',
      },
    }),
  );
}

/**
 * Keeps at most `max + 1` entries of an over-long array for validation, so that a hostile
 * 10,000-entry list is refused by its size rule instead of answering 10,000 nested errors. The
 * request is refused either way (`ArrayMaxSize(max)` still fails), so nothing truncated is kept.
 */
export function CapForValidation(max: number): PropertyDecorator {
  return Transform(
    ({ value }: { value: unknown }) =>
      Array.isArray(value) && value.length > max + 1 ? value.slice(0, max + 1) : value,
    { toClassOnly: true },
  );
}

export const PHONE = /^\+?[0-9 ()./-]{5,30}$/;
export const PHONE_MESSAGE = 'must be a phone number (digits, spaces, + ( ) . / -)';

/** The digits of a phone number, for comparing numbers written differently; null when too few. */
export function phoneDigits(phone: string | null | undefined): string | null {
  const digits = phone?.replace(/[^0-9]/g, '') ?? '';
  return digits.length >= 5 ? digits : null;
}

import { Transform } from 'class-transformer';

/** Emails are compared lower-cased and without surrounding spaces (as people paste them). */
export const NormalizeEmail = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

/**
 * The fields a caller actually sent. A transformed DTO has every declared property, undefined
 * when absent, so `Object.keys(dto)` would name fields nobody touched.
 */
export function providedFields<T extends object>(dto: T): (keyof T & string)[] {
  return (Object.keys(dto) as (keyof T & string)[]).filter((field) => dto[field] !== undefined);
}

/**
 * A boolean query parameter: `true` and `false` become booleans; anything else stays as sent, so
 * that `@IsBoolean()` refuses it with a field-level error instead of it being coerced.
 */
export const BooleanQuery = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );

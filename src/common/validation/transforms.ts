import { Transform } from 'class-transformer';

/** Emails are compared lower-cased and without surrounding spaces (as people paste them). */
export const NormalizeEmail = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

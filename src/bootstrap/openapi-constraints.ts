import { getMetadataStorage } from 'class-validator';

/** Where @nestjs/swagger keeps each property's `@ApiProperty` options (its DECORATORS constant). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

type SchemaFacts = Record<string, unknown>;
type ValidatedClass = abstract new (...args: never[]) => unknown;
type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

/**
 * The schema keywords that show a class-validator rule, so the document states every length,
 * range, pattern and identifier format the server enforces. Rules applied to each element of an
 * array (`each`) are left out: they belong to `items`, which `@ApiProperty` describes by type.
 */
export function schemaFactsOf(rule: ValidationMetadata): SchemaFacts {
  if (rule.each) return {};
  const [first, second] = (rule.constraints ?? []) as unknown[];
  switch (rule.name) {
    case 'maxLength':
      return { maxLength: first };
    case 'minLength':
      return { minLength: first };
    case 'isLength':
      return { minLength: first, ...(second === undefined ? {} : { maxLength: second }) };
    case 'min':
      return { minimum: first };
    case 'max':
      return { maximum: first };
    case 'arrayMaxSize':
      return { maxItems: first };
    case 'arrayMinSize':
      return { minItems: first };
    case 'matches':
      return { pattern: first instanceof RegExp ? first.source : String(first) };
    case 'isUuid':
      return { format: 'uuid' };
    default:
      return {};
  }
}

/** Rules that only a string passes: a property under one is a string whatever TypeScript says. */
const STRING_RULES = new Set([
  'isString',
  'isEmail',
  'isUuid',
  'isCalendarDate',
  'isPastCalendarDate',
  'isDateString',
  'isIso8601',
  'maxLength',
  'minLength',
  'isLength',
  'matches',
]);

/** Every class with class-validator rules, each with its own rules (not its parents'). */
export function validatedClasses(): Map<ValidatedClass, ValidationMetadata[]> {
  // The storage keeps its map private; reading it is the only way to list the validated classes.
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<ValidatedClass, ValidationMetadata[]>;
  };
  return storage.validationMetadatas;
}

/**
 * Copies each class-validator rule into the property's `@ApiProperty` options before the document
 * is built, so body schemas and query parameters alike show it. What a DTO states itself wins: a
 * rule only fills a keyword the property leaves unset. Properties without `@ApiProperty` are not in
 * the document and stay out. The CLI plugin's `classValidatorShim` does this for `nest build` only;
 * this works for every build, tests included, and for rules inside custom decorators.
 */
export function showValidationRulesInSchemas(): void {
  for (const [target, rules] of validatedClasses()) {
    const prototype = target.prototype as object | undefined;
    if (!prototype) continue;
    for (const rule of rules) {
      const facts = schemaFactsOf(rule);
      if (Object.keys(facts).length === 0 && !STRING_RULES.has(rule.name ?? '')) continue;
      const property = rule.propertyName;
      const options = Reflect.getOwnMetadata(API_MODEL_PROPERTIES, prototype, property) as
        SchemaFacts | undefined;
      // Inherited options are copied onto this class rather than changed on the parent's.
      const inherited =
        options ??
        (Reflect.getMetadata(API_MODEL_PROPERTIES, prototype, property) as SchemaFacts | undefined);
      if (!inherited) continue;
      const merged = { ...inherited };
      // `string | null` reaches Swagger as `Object` (the emitted design type), shown as `object`.
      const type: unknown = merged.type ?? Reflect.getMetadata('design:type', prototype, property);
      if (STRING_RULES.has(rule.name ?? '') && !rule.each && type === Object) merged.type = String;
      const isArray = merged.isArray === true || Array.isArray(merged.type);
      for (const [keyword, value] of Object.entries(facts)) {
        // On an array property a length rule is the array's (ArrayMaxSize); string rules are items'.
        if (isArray && !['maxItems', 'minItems'].includes(keyword)) continue;
        if (merged[keyword] === undefined) merged[keyword] = value;
      }
      Reflect.defineMetadata(API_MODEL_PROPERTIES, merged, prototype, property);
    }
  }
}

import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import {
  NOTE_CONTENT_HOLDERS,
  NOTE_FORMAT_MODELS,
  NOTE_SECTION_SCHEMAS,
  type DiscriminatedModel,
} from '../session-notes/note-content.schemas';

/** Schemas that take one shape per value of a property: the classes to add to the document. */
const DISCRIMINATED: DiscriminatedModel[] = [...NOTE_FORMAT_MODELS];

export const VARIANT_MODELS = [
  ...Object.values(NOTE_SECTION_SCHEMAS),
  ...DISCRIMINATED.flatMap(({ variants }) => Object.values(variants)),
];

/**
 * Replaces each discriminated schema with `oneOf` its variants and a discriminator, so that every
 * reference to it (request bodies, answers, lists) shows one shape per value: a SOAP note has the
 * SOAP sections, a DAP note the DAP ones. Generated clients get a union narrowed by the property.
 */
export function showVariants(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  // A note's content holds its format's sections and nothing else (the API refuses any other).
  for (const sections of Object.values(NOTE_SECTION_SCHEMAS))
    (schemas[sections.name] as SchemaObject).additionalProperties = false;
  for (const holder of NOTE_CONTENT_HOLDERS) {
    const content = (schemas[holder.name] as SchemaObject).properties?.content as SchemaObject;
    delete content.additionalProperties;
    delete content.example;
  }
  for (const { base, property, variants } of DISCRIMINATED) {
    const original = schemas[base.name] as SchemaObject | undefined;
    if (!original) continue;
    const refs = Object.entries(variants).map(([value, variant]): [string, string] => [
      value,
      `#/components/schemas/${variant.name}`,
    ]);
    schemas[base.name] = {
      ...(original.description ? { description: original.description } : {}),
      oneOf: refs.map(([, $ref]) => ({ $ref })),
      discriminator: { propertyName: property, mapping: Object.fromEntries(refs) },
    };
  }
}

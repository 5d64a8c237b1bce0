import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { MAX_SECTION_LENGTH, NOTE_FORMATS, NOTE_SECTIONS, type NoteFormat } from './note-format';
import { CreateSessionNoteDto, SessionNoteView, UpdateSessionNoteDto } from './session-note.dto';

/**
 * The sections of each note format, as schemas for the OpenAPI document. They are built from
 * {@link NOTE_SECTIONS}, which validation reads too, so that the document cannot drift from what
 * the API accepts. Documentation only: requests are still validated by the DTOs and
 * `assertContentShape`.
 */
type Model = abstract new (...args: never[]) => object;

const FORMAT_TITLES: Record<NoteFormat, string> = {
  soap: 'Soap',
  dap: 'Dap',
  birp: 'Birp',
  free: 'Free',
};

function named<T extends Model>(model: T, name: string): T {
  Object.defineProperty(model, 'name', { value: name });
  return model;
}

/** One format's sections, each optional text (a draft may leave any out; signing needs them all). */
function sectionsOf(format: NoteFormat): Model {
  const Sections = named(class {}, `${FORMAT_TITLES[format]}NoteSections`);
  for (const section of NOTE_SECTIONS[format]) {
    ApiPropertyOptional({
      type: String,
      maxLength: MAX_SECTION_LENGTH,
      description: 'Written before the note is signed',
    })(Sections.prototype, section);
  }
  return Sections;
}

export const NOTE_SECTION_SCHEMAS = Object.fromEntries(
  NOTE_FORMATS.map((format) => [format, sectionsOf(format)]),
) as Record<NoteFormat, Model>;

// A change may leave `format` out (the note keeps its own), so its sections are those of any format.
ApiPropertyOptional({
  anyOf: Object.values(NOTE_SECTION_SCHEMAS).map((sections) => ({ $ref: getSchemaPath(sections) })),
  description:
    'Sections to write: those of `format` when it is sent, otherwise of the note’s own format; a section left out keeps its text (changing the format starts from empty sections)',
})(UpdateSessionNoteDto.prototype, 'content');

/** `base` narrowed to one format: `format` is that format and `content` holds its sections. */
function variantOf(base: Model, format: NoteFormat, contentRequired: boolean): Model {
  const Variant = named(
    class extends (base as new () => object) {},
    `${FORMAT_TITLES[format]}${base.name}`,
  );
  ApiProperty({ enum: [format], description: `A ${format.toUpperCase()} note` })(
    Variant.prototype,
    'format',
  );
  (contentRequired ? ApiProperty : ApiPropertyOptional)({
    type: NOTE_SECTION_SCHEMAS[format],
    description: `The note’s sections: only those of ${format.toUpperCase()} (${NOTE_SECTIONS[format].join(', ')})`,
  })(Variant.prototype, 'content');
  return Variant;
}

/** A schema the document shows as one variant per value of a property (`oneOf` + discriminator). */
export interface DiscriminatedModel {
  base: Model;
  property: string;
  variants: Record<string, Model>;
}

const variantsOf = (base: Model, contentRequired: boolean) =>
  Object.fromEntries(
    NOTE_FORMATS.map((format) => [format, variantOf(base, format, contentRequired)]),
  );

/** Notes written and read: one schema per format, chosen by `format`. */
export const NOTE_FORMAT_MODELS: DiscriminatedModel[] = [
  {
    base: CreateSessionNoteDto,
    property: 'format',
    variants: variantsOf(CreateSessionNoteDto, false),
  },
  { base: SessionNoteView, property: 'format', variants: variantsOf(SessionNoteView, true) },
];

/**
 * The schemas whose `content` names its sections: the free-form map (and its example) they inherit
 * from the base would admit any section, so the document drops it from them.
 */
export const NOTE_CONTENT_HOLDERS: Model[] = [
  UpdateSessionNoteDto,
  ...NOTE_FORMAT_MODELS.flatMap(({ variants }) => Object.values(variants)),
];

import { createHash } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { ProblemError } from '../common/problem/problem';
import { flattenValidationErrors } from '../common/validation/validation.pipe';
import {
  EmergencyContactDto,
  IntakeClientDto,
  IntakeFamilyMemberDto,
  IntakeSubmissionDto,
} from './dto/intake-submission.dto';
import { familyRows } from './intake-family';
import {
  acknowledgedConsents,
  CONSENTS,
  INTAKE_FORM_VERSION,
  INTAKE_SECTIONS,
  type FormField,
} from './intake-form';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// A submission keeps "key + version" of the texts acknowledged: the text behind a version must
// never change. Changing a text means a new version (and a new line here), never a new hash.
const PINNED: Record<string, string> = {
  'treatment@2026-01': 'b396b0b48e960ae9cfdffa65f88a32397ad02e8e416903bad5c0bbd9e15c9167',
  'privacy@2026-01': 'dfa06ed04f83f2bd976e2d258fccbaa579d4026fbb49c7539467dc1967b670d1',
  'telehealth@2026-01': '797b1b3c7eed86627a739f72157f7e860154f54106335558f25ea992ade0acfa',
};

const current = () => CONSENTS.map(({ key, version }) => ({ key, version }));
const required = () =>
  CONSENTS.filter((consent) => consent.required).map(({ key, version }) => ({ key, version }));

function problemOf(run: () => unknown): ProblemError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

function errorsOf(body: object): { field: string; message: string }[] {
  return flattenValidationErrors(
    validateSync(plainToInstance(IntakeSubmissionDto, body), {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
    }),
  );
}

const VALID = {
  client: { firstName: 'Maya', lastName: 'Okafor', dateOfBirth: '1998-04-02' },
  presentingConcerns: ['estrangement'],
  emergencyContact: { name: 'Ruth Okafor', phone: '+1 555 0199' },
  consents: [
    { key: 'treatment', version: '2026-01' },
    { key: 'privacy', version: '2026-01' },
  ],
};

describe('intake form', () => {
  it('is versioned by month, as its consents are', () => {
    expect(INTAKE_FORM_VERSION).toMatch(/^\d{4}-\d{2}$/);
    for (const consent of CONSENTS) expect(consent.version).toMatch(/^\d{4}-\d{2}$/);
  });

  it('keeps every consent text behind its version', () => {
    expect(
      Object.fromEntries(
        CONSENTS.map((consent) => [`${consent.key}@${consent.version}`, sha256(consent.text)]),
      ),
    ).toEqual(PINNED);
  });

  it('names every field of the submission it describes', () => {
    const keys = INTAKE_SECTIONS.flatMap((section) => section.fields.map((field) => field.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(
      expect.arrayContaining([
        'client.firstName',
        'client.dateOfBirth',
        'presentingConcerns',
        'familyMembers[].relationship',
        'familyMembers[].shouldTakePart',
        'emergencyContact.phone',
      ]),
    );
  });
});

/** What the submission DTO's class-validator metadata says of each field the form must show. */
interface DtoField {
  required: boolean;
  validators: string[];
  maxLength?: number;
  oneOf?: string[];
}

function dtoFields(): Map<string, DtoField> {
  const fields = new Map<string, DtoField>();
  const classes: [string, new () => object][] = [
    ['', IntakeSubmissionDto],
    ['client.', IntakeClientDto],
    ['familyMembers[].', IntakeFamilyMemberDto],
    ['emergencyContact.', EmergencyContactDto],
  ];
  for (const [prefix, dto] of classes) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    for (const property of new Set(metadata.map((m) => m.propertyName))) {
      const own = metadata.filter((m) => m.propertyName === property);
      // Nested groups are sections of the form; consents are the consent texts, not fields.
      if (own.some((m) => m.type === 'nestedValidation')) continue;
      const constraint = (name: string) => own.find((m) => m.name === name)?.constraints?.[0];
      fields.set(`${prefix}${property}`, {
        required: !own.some((m) => m.type === 'conditionalValidation'),
        validators: own.map((m) => m.name ?? m.type),
        maxLength: constraint('maxLength') as number | undefined,
        oneOf: constraint('isIn') as string[] | undefined,
      });
    }
  }
  return fields;
}

/** The input a field of the DTO needs, from its validators. */
function expectedType(dto: DtoField): FormField['type'] {
  if (dto.validators.includes('isBoolean')) return 'boolean';
  if (dto.validators.includes('isPastCalendarDate')) return 'date';
  if (dto.validators.includes('isEmail')) return 'email';
  if (dto.oneOf) return dto.validators.includes('isArray') ? 'multiselect' : 'select';
  if (dto.validators.includes('matches') && dto.maxLength === undefined) return 'tel';
  return (dto.maxLength ?? 0) > 200 ? 'textarea' : 'text';
}

describe('the intake form description against the submission DTO', () => {
  const fields = INTAKE_SECTIONS.flatMap((section) => section.fields);
  const dto = dtoFields();

  it('describes exactly the fields the DTO validates', () => {
    expect(fields.map((field) => field.key).sort()).toEqual([...dto.keys()].sort());
  });

  it.each(fields.map((field) => [field.key, field] as const))(
    '%s: required, type, length and options as the DTO validates them',
    (key, field) => {
      const rule = dto.get(key)!;
      expect(field.required).toBe(rule.required);
      expect(field.type).toBe(expectedType(rule));
      if (rule.maxLength !== undefined) expect(field.maxLength).toBe(rule.maxLength);
      expect(field.options?.map((option) => option.value)).toEqual(rule.oneOf);
    },
  );

  it('caps the family section as the DTO caps the list', () => {
    const cap = getMetadataStorage()
      .getTargetValidationMetadatas(IntakeSubmissionDto, '', true, false)
      .find((m) => m.propertyName === 'familyMembers' && m.name === 'arrayMaxSize');
    const family = INTAKE_SECTIONS.find((section) => section.key === 'family');
    expect(family?.maxItems).toBe(cap?.constraints?.[0]);
    expect(INTAKE_SECTIONS.filter((section) => section.maxItems !== undefined)).toEqual([family]);
  });

  it('gives every section a title and every field and option a label', () => {
    const labels = [
      ...INTAKE_SECTIONS.flatMap((section) => [section.key, section.title]),
      ...fields.map((field) => field.label),
      ...fields.flatMap((field) => field.options ?? []).map((option) => option.label),
      ...CONSENTS.map((consent) => consent.title),
    ];
    expect(labels.filter((label) => label.trim() === '')).toEqual([]);
  });
});

describe(acknowledgedConsents.name, () => {
  it('keeps key, version and title of each consent acknowledged', () => {
    expect(acknowledgedConsents(current())).toEqual(
      CONSENTS.map(({ key, version, title }) => ({ key, version, title })),
    );
    expect(acknowledgedConsents(required()).map((consent) => consent.key)).toEqual([
      'treatment',
      'privacy',
    ]);
  });

  it('refuses a missing required consent, naming consents', () => {
    const problem = problemOf(() =>
      acknowledgedConsents(required().filter((c) => c.key !== 'privacy')),
    );
    expect(problem.status).toBe(422);
    expect(problem.code).toBe('consent-required');
    expect(problem.message).toBe(
      'Every required consent must be acknowledged at its current version.',
    );
    expect(problem.errors).toEqual([
      { field: 'consents', message: 'must acknowledge "privacy" (version 2026-01)' },
    ]);
  });

  it('refuses an outdated version and an unknown consent', () => {
    const problem = problemOf(() =>
      acknowledgedConsents([
        { key: 'treatment', version: '2025-06' },
        { key: 'privacy', version: '2026-01' },
        { key: 'marketing', version: '2026-01' },
      ]),
    );
    expect(problem.errors).toEqual([
      {
        field: 'consents[0].version',
        message: 'must be the current version of this consent (2026-01)',
      },
      { field: 'consents[2].key', message: 'is not a consent of this form' },
    ]);
  });
});

describe(IntakeSubmissionDto.name, () => {
  it('accepts names of any script with apostrophes, hyphens, periods and marks', () => {
    for (const lastName of ["O'Brien-Núñez", 'Nguyễn', '李', 'St. John', 'D’Arcy', 'Zoë']) {
      expect(errorsOf({ ...VALID, client: { ...VALID.client, lastName } })).toEqual([]);
    }
  });

  it('refuses SQL fragments, digits, control characters and blank names, saying why', () => {
    const only = 'may contain only letters, spaces, apostrophes, hyphens and periods';
    const cases: [string, string[]][] = [
      ["Robert'); DROP TABLE clients;--", [only]],
      ['R2D2', [only]],
      ['Ann\u0000', ['must not contain control characters', only]],
      ['  ', ['must contain a letter']],
      ["'--", ['must contain a letter']],
    ];
    for (const [lastName, messages] of cases) {
      const errors = errorsOf({ ...VALID, client: { ...VALID.client, lastName } });
      expect([lastName, errors.map((error) => error.message).sort()]).toEqual([
        lastName,
        [...messages].sort(),
      ]);
      expect(errors.every((error) => error.field === 'client.lastName')).toBe(true);
    }
  });

  it('answers a long family list with its size rule, not one error per entry', () => {
    const errors = errorsOf({
      ...VALID,
      familyMembers: Array.from({ length: 10_000 }, () => ({})),
    });
    expect(errors.filter((error) => error.field === 'familyMembers')).toEqual([
      { field: 'familyMembers', message: 'must contain no more than 20 elements' },
    ]);
    expect(errors.length).toBeLessThan(200);
  });
});

describe(familyRows.name, () => {
  const form = (body: object) => plainToInstance(IntakeSubmissionDto, { ...VALID, ...body });

  it('marks the listed member who is the emergency contact (same phone digits)', () => {
    const rows = familyRows(
      form({
        familyMembers: [
          { firstName: 'Grace', relationship: 'mother', shouldTakePart: true },
          {
            firstName: 'Ruth',
            lastName: 'Okafor',
            relationship: 'grandparent',
            phone: '+1 (555) 0199',
            shouldTakePart: false,
          },
        ],
        emergencyContact: { name: 'Grandma Ruth', phone: '+1 555 0199' },
      }),
    );
    expect(rows.map((row) => [row.first_name, row.participation, row.emergency_contact])).toEqual([
      ['Grace', 'participating', false],
      ['Ruth', 'invited', true],
    ]);
  });

  it('matches by full name ignoring case and accents, else adds the contact as a member', () => {
    const byName = familyRows(
      form({
        familyMembers: [
          { firstName: 'Zoë', lastName: 'Núñez', relationship: 'sibling', shouldTakePart: true },
        ],
        emergencyContact: { name: 'zoe nunez', phone: '555 0100' },
      }),
    );
    expect(byName).toHaveLength(1);
    expect(byName[0]).toMatchObject({ emergency_contact: true, phone: '555 0100' });

    const added = familyRows(form({}));
    expect(added).toEqual([
      {
        first_name: 'Ruth Okafor',
        last_name: null,
        relationship: 'friend_support',
        email: null,
        phone: '+1 555 0199',
        participation: 'invited',
        emergency_contact: true,
      },
    ]);
  });
});

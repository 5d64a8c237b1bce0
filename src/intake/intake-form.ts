import type { PRESENTING_CONCERNS, TRUST_INDICATORS } from '../clients/client.row';
import { UnprocessableProblem, type FieldError } from '../common/problem/problem';
import type { RELATIONSHIPS } from '../family-members/family-member.dto';
import { INTAKE_ERRORS } from './intake-errors';

/**
 * The intake form a prospective client fills in, and the consent texts they acknowledge. Versioned
 * in code: a submission keeps the key, version and title of each consent it acknowledged, so a
 * changed text MUST get a new version (`intake-form.spec.ts` pins each text to its version).
 */
export const INTAKE_FORM_VERSION = '2026-01';

export const MODALITIES = ['individual', 'couple', 'family', 'group'] as const;
export const MAX_FAMILY_MEMBERS = 20;

export type FieldType =
  'text' | 'textarea' | 'date' | 'email' | 'tel' | 'select' | 'multiselect' | 'boolean';

export interface FormOption {
  value: string;
  label: string;
}

export interface FormField {
  /** JSON path of the field in the submission; `[]` marks a repeated group. */
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  maxLength?: number;
  options?: FormOption[];
}

export interface FormSection {
  key: string;
  title: string;
  /** For a repeated group (family members): how many entries may be sent. */
  maxItems?: number;
  fields: FormField[];
}

export interface ConsentText {
  key: string;
  version: string;
  title: string;
  text: string;
  required: boolean;
}

const CONCERN_LABELS: Record<(typeof PRESENTING_CONCERNS)[number], string> = {
  substance_use_recovery: 'Recovery from substance use',
  mental_health: 'Mental health',
  trust_after_betrayal: 'Trust after betrayal or an affair',
  estrangement: 'Estrangement',
  parent_child_conflict: 'Conflict between parent and child',
  communication: 'Communication',
  grief: 'Grief',
  trauma: 'Trauma',
  other: 'Something else',
};

const INDICATOR_LABELS: Record<(typeof TRUST_INDICATORS)[number], string> = {
  jealousy_possessiveness: 'Jealousy or possessiveness',
  difficulty_opening_up: 'Difficulty opening up',
  suspicion: 'Suspicion',
  avoidance_of_intimacy: 'Avoiding closeness or intimacy',
};

const RELATIONSHIP_LABELS: Record<(typeof RELATIONSHIPS)[number], string> = {
  mother: 'Mother',
  father: 'Father',
  daughter: 'Daughter',
  son: 'Son',
  partner: 'Partner',
  spouse: 'Spouse',
  former_partner: 'Former partner',
  sibling: 'Sibling',
  grandparent: 'Grandparent',
  guardian: 'Guardian',
  other_family: 'Other family',
  friend_support: 'Friend or support person',
};

const MODALITY_LABELS: Record<(typeof MODALITIES)[number], string> = {
  individual: 'Individual sessions',
  couple: 'Couple sessions',
  family: 'Family sessions',
  group: 'Group sessions',
};

const options = <T extends string>(labels: Record<T, string>): FormOption[] =>
  Object.entries<string>(labels).map(([value, label]) => ({ value, label }));

export const INTAKE_SECTIONS: readonly FormSection[] = [
  {
    key: 'client',
    title: 'About you',
    fields: [
      {
        key: 'client.firstName',
        label: 'First name',
        type: 'text',
        required: true,
        maxLength: 100,
      },
      { key: 'client.lastName', label: 'Last name', type: 'text', required: true, maxLength: 100 },
      {
        key: 'client.preferredName',
        label: 'Name you would like us to use',
        type: 'text',
        required: false,
        maxLength: 100,
      },
      { key: 'client.dateOfBirth', label: 'Date of birth', type: 'date', required: true },
      { key: 'client.pronouns', label: 'Pronouns', type: 'text', required: false, maxLength: 40 },
      { key: 'client.email', label: 'Email', type: 'email', required: false, maxLength: 254 },
      { key: 'client.phone', label: 'Phone', type: 'tel', required: false, maxLength: 30 },
    ],
  },
  {
    key: 'concerns',
    title: 'What brings you to us',
    fields: [
      {
        key: 'presentingConcerns',
        label: 'What would you like help with?',
        type: 'multiselect',
        required: true,
        options: options(CONCERN_LABELS),
      },
      {
        key: 'trustIndicators',
        label: 'Have any of these been part of your relationships lately?',
        type: 'multiselect',
        required: false,
        options: options(INDICATOR_LABELS),
      },
      {
        key: 'reasonForSeekingHelp',
        label: 'In your own words, what is happening?',
        type: 'textarea',
        required: false,
        maxLength: 5000,
      },
    ],
  },
  {
    key: 'family',
    title: 'Your family and the people close to you',
    maxItems: MAX_FAMILY_MEMBERS,
    fields: [
      {
        key: 'familyMembers[].firstName',
        label: 'First name',
        type: 'text',
        required: true,
        maxLength: 100,
      },
      {
        key: 'familyMembers[].lastName',
        label: 'Last name',
        type: 'text',
        required: false,
        maxLength: 100,
      },
      {
        key: 'familyMembers[].relationship',
        label: 'Relationship to you',
        type: 'select',
        required: true,
        options: options(RELATIONSHIP_LABELS),
      },
      {
        key: 'familyMembers[].email',
        label: 'Email',
        type: 'email',
        required: false,
        maxLength: 254,
      },
      { key: 'familyMembers[].phone', label: 'Phone', type: 'tel', required: false, maxLength: 30 },
      {
        key: 'familyMembers[].shouldTakePart',
        label: 'Should this person take part in therapy?',
        type: 'boolean',
        required: true,
      },
    ],
  },
  {
    key: 'preferences',
    title: 'How and when',
    fields: [
      {
        key: 'preferredModality',
        label: 'Which kind of sessions would you prefer?',
        type: 'select',
        required: false,
        options: options(MODALITY_LABELS),
      },
      {
        key: 'availability',
        label: 'When are you usually available?',
        type: 'textarea',
        required: false,
        maxLength: 1000,
      },
    ],
  },
  {
    key: 'emergencyContact',
    title: 'Emergency contact',
    fields: [
      { key: 'emergencyContact.name', label: 'Name', type: 'text', required: true, maxLength: 200 },
      { key: 'emergencyContact.phone', label: 'Phone', type: 'tel', required: true, maxLength: 30 },
      {
        key: 'emergencyContact.relationship',
        label: 'Relationship to you',
        type: 'select',
        required: false,
        options: options(RELATIONSHIP_LABELS),
      },
    ],
  },
];

/** The consent texts in force. A new text is a new version; the old one stays in git history. */
export const CONSENTS: readonly ConsentText[] = [
  {
    key: 'treatment',
    version: '2026-01',
    title: 'Consent to counseling',
    required: true,
    text:
      'I agree to take part in counseling with this practice. I understand that counseling may ' +
      'bring up difficult feelings, that results cannot be promised, and that I may stop at any ' +
      'time. Sessions may include members of my family when we agree on it. In an emergency I will ' +
      'call my local emergency number; this practice does not offer crisis services through this form.',
  },
  {
    key: 'privacy',
    version: '2026-01',
    title: 'Privacy and confidentiality',
    required: true,
    text:
      'What I share is kept confidential and is used to provide my care. The law requires my ' +
      'counselor to break confidentiality when someone is at serious risk of harm, when a child or a ' +
      'vulnerable adult is being abused or neglected, or when a court orders it. What one family ' +
      'member tells the counselor alone may not be kept from the others if it affects our work ' +
      'together; my counselor will explain how this practice handles it.',
  },
  {
    key: 'telehealth',
    version: '2026-01',
    title: 'Sessions by video',
    required: false,
    text:
      'I agree that some sessions may take place by secure video. I will join from a private place, ' +
      'and I understand that technology can fail and that my counselor may end a video session and ' +
      'continue by phone or in person if it is not safe or not working.',
  },
];

/** What a submission keeps of each consent it acknowledged. */
export interface AcknowledgedConsent {
  key: string;
  version: string;
  title: string;
}

/**
 * Checks the acknowledgments of a submission against the consents in force: every required one at
 * its current version, nothing unknown or outdated. Throws 422 naming the consents otherwise.
 */
export function acknowledgedConsents(
  sent: readonly { key: string; version: string }[],
): AcknowledgedConsent[] {
  const errors: FieldError[] = [];
  const acknowledged: AcknowledgedConsent[] = [];
  sent.forEach(({ key, version }, index) => {
    const current = CONSENTS.find((consent) => consent.key === key);
    if (!current) {
      errors.push({ field: `consents[${index}].key`, message: 'is not a consent of this form' });
    } else if (current.version !== version) {
      errors.push({
        field: `consents[${index}].version`,
        message: `must be the current version of this consent (${current.version})`,
      });
    } else {
      acknowledged.push({ key, version, title: current.title });
    }
  });
  for (const consent of CONSENTS) {
    if (consent.required && !sent.some((given) => given.key === consent.key)) {
      errors.push({
        field: 'consents',
        message: `must acknowledge "${consent.key}" (version ${consent.version})`,
      });
    }
  }
  if (errors.length > 0) {
    throw new UnprocessableProblem(
      INTAKE_ERRORS.consentRequired,
      'Every required consent must be acknowledged at its current version.',
      errors,
    );
  }
  return acknowledged;
}

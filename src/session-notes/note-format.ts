import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/idempotency/idempotency.service';
import {
  UnprocessableProblem,
  ValidationProblem,
  type FieldError,
} from '../common/problem/problem';
import { SESSION_NOTE_ERRORS } from './session-note-errors';

export const NOTE_FORMATS = ['soap', 'dap', 'birp', 'free'] as const;
export type NoteFormat = (typeof NOTE_FORMATS)[number];
export const RISK_LEVELS = ['none', 'low', 'moderate', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** The sections each note format is made of; every one must be written before signing. */
export const NOTE_SECTIONS: Record<NoteFormat, readonly string[]> = {
  soap: ['subjective', 'objective', 'assessment', 'plan'],
  dap: ['data', 'assessment', 'plan'],
  birp: ['behavior', 'intervention', 'response', 'plan'],
  free: ['text'],
};

export const MAX_SECTION_LENGTH = 20_000;
const CONTROL = /[\p{Cs}\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/u; // eslint-disable-line no-control-regex

/** Checks the shape of a (possibly partial, draft) note content for its format. */
export function assertContentShape(format: NoteFormat, content: Record<string, unknown>): void {
  const errors: FieldError[] = [];
  for (const [section, value] of Object.entries(content)) {
    const field = `content.${section}`;
    if (!NOTE_SECTIONS[format].includes(section)) {
      errors.push({
        field,
        message: `is not a section of a ${format.toUpperCase()} note (${NOTE_SECTIONS[format].join(', ')})`,
      });
    } else if (typeof value !== 'string') {
      errors.push({ field, message: 'must be a string' });
    } else if (value.length > MAX_SECTION_LENGTH) {
      errors.push({ field, message: `must be at most ${MAX_SECTION_LENGTH} characters` });
    } else if (CONTROL.test(value)) {
      errors.push({ field, message: 'must not contain control characters' });
    }
  }
  if (errors.length > 0) throw new ValidationProblem(errors);
}

export interface SignableNote {
  format: NoteFormat;
  content: Record<string, string>;
  riskLevel: RiskLevel | null;
  riskPlan: string | null;
}

/** A note is complete when every section of its format is written and risk was screened. */
export function assertReadyToSign(note: SignableNote): void {
  const errors: FieldError[] = NOTE_SECTIONS[note.format]
    .filter((section) => !note.content[section]?.trim())
    .map((section) => ({ field: `content.${section}`, message: 'must be written before signing' }));
  if (!note.riskLevel)
    errors.push({ field: 'riskLevel', message: 'must be screened before signing' });
  if ((note.riskLevel === 'moderate' || note.riskLevel === 'high') && !note.riskPlan?.trim()) {
    errors.push({ field: 'riskPlan', message: 'is required when risk is moderate or high' });
  }
  if (errors.length > 0)
    throw new UnprocessableProblem(
      SESSION_NOTE_ERRORS.noteIncomplete,
      'The note is not complete enough to sign.',
      errors,
    );
}

/** SHA-256 over the canonical JSON of what was signed. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

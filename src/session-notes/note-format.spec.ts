import { createHash } from 'node:crypto';
import { ProblemError } from '../common/problem/problem';
import {
  assertContentShape,
  assertReadyToSign,
  contentHash,
  NOTE_FORMATS,
  NOTE_SECTIONS,
  RISK_LEVELS,
  type SignableNote,
} from './note-format';

function problemOf(run: () => unknown): ProblemError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe(assertContentShape.name, () => {
  it('accepts any subset of the format’s sections, as a draft', () => {
    expect(() => assertContentShape('soap', {})).not.toThrow();
    expect(() => assertContentShape('dap', { data: 'Met with the family.' })).not.toThrow();
    expect(() => assertContentShape('free', { text: 'x'.repeat(20_000) })).not.toThrow();
  });

  it('names each field that is not a section, not a string, too long or has control characters', () => {
    const problem = problemOf(() =>
      assertContentShape('birp', {
        behavior: 42,
        intervention: 'x'.repeat(20_001),
        response: 'Calm\u0007',
        plan: 'Next week',
        subjective: 'SOAP, not BIRP',
      }),
    );
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([
      { field: 'content.behavior', message: 'must be a string' },
      { field: 'content.intervention', message: 'must be at most 20000 characters' },
      { field: 'content.response', message: 'must not contain control characters' },
      {
        field: 'content.subjective',
        message: 'is not a section of a BIRP note (behavior, intervention, response, plan)',
      },
    ]);
  });

  it.each(['\u0000', '\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\u007f', '\ud800'])(
    'refuses the control character or lone surrogate %j',
    (character) => {
      expect(() => assertContentShape('free', { text: `a${character}b` })).toThrow(ProblemError);
    },
  );

  it.each(['\t', '\n', '\r\n', 'é', '😀', ' '])('keeps %j, which notes need', (character) => {
    expect(() => assertContentShape('free', { text: `a${character}b` })).not.toThrow();
  });

  it('knows the formats, the risk levels and the sections of each format', () => {
    expect(NOTE_FORMATS).toEqual(['soap', 'dap', 'birp', 'free']);
    expect(RISK_LEVELS).toEqual(['none', 'low', 'moderate', 'high']);
    expect(NOTE_SECTIONS).toEqual({
      soap: ['subjective', 'objective', 'assessment', 'plan'],
      dap: ['data', 'assessment', 'plan'],
      birp: ['behavior', 'intervention', 'response', 'plan'],
      free: ['text'],
    });
  });
});

describe(assertReadyToSign.name, () => {
  const note = (overrides: Partial<SignableNote> = {}): SignableNote => ({
    format: 'dap',
    content: { data: 'd', assessment: 'a', plan: 'p' },
    riskLevel: 'low',
    riskPlan: null,
    ...overrides,
  });

  it('signs a note with every section written and risk screened', () => {
    expect(() => assertReadyToSign(note())).not.toThrow();
    expect(() => assertReadyToSign(note({ riskLevel: 'none' }))).not.toThrow();
    expect(() =>
      assertReadyToSign(note({ riskLevel: 'high', riskPlan: 'Safety plan agreed' })),
    ).not.toThrow();
  });

  it('names blank sections, an unscreened risk and a missing risk plan', () => {
    const problem = problemOf(() =>
      assertReadyToSign(note({ content: { data: 'd', assessment: '  ' }, riskLevel: null })),
    );
    expect(problem.status).toBe(422);
    expect(problem.code).toBe('note-incomplete');
    expect(problem.message).toBe('The note is not complete enough to sign.');
    expect(problem.errors).toEqual([
      { field: 'content.assessment', message: 'must be written before signing' },
      { field: 'content.plan', message: 'must be written before signing' },
      { field: 'riskLevel', message: 'must be screened before signing' },
    ]);
  });

  it.each(['moderate', 'high'] as const)('asks for a risk plan when risk is %s', (riskLevel) => {
    for (const riskPlan of [null, ' ']) {
      expect(problemOf(() => assertReadyToSign(note({ riskLevel, riskPlan }))).errors).toEqual([
        { field: 'riskPlan', message: 'is required when risk is moderate or high' },
      ]);
    }
  });
});

describe(contentHash.name, () => {
  it('is the SHA-256 of the canonical JSON, whatever the key order', () => {
    const expected = createHash('sha256').update('{"a":2,"b":{"c":1,"d":[3]}}').digest('hex');
    expect(contentHash({ b: { d: [3], c: 1 }, a: 2 })).toBe(expected);
  });
});

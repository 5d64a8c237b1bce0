import ICAL from 'ical.js';
import { buildCalendar, initialOf, sessionSummary, type FeedSession } from './calendar-ics';

const session = (overrides: Partial<FeedSession> = {}): FeedSession => ({
  id: '5b1c3f8e-2d4a-4c6b-9e7f-0a1b2c3d4e5f',
  startsAt: new Date('2026-03-02T15:00:00Z'),
  endsAt: new Date('2026-03-02T15:50:00Z'),
  updatedAt: new Date('2026-02-20T09:30:00Z'),
  version: 3,
  modality: 'family',
  setting: 'in_person',
  location: null,
  status: 'scheduled',
  clientNumber: 'C-000042',
  initials: ['M', 'O'],
  ...overrides,
});

describe(sessionSummary.name, () => {
  it('names modality, client number and initials', () => {
    expect(sessionSummary(session())).toBe('Family session · C-000042 (M.O.)');
  });

  it('upper-cases initials and leaves out a missing one', () => {
    expect(sessionSummary(session({ modality: 'couple', initials: ['é', ''] }))).toBe(
      'Couple session · C-000042 (É.)',
    );
    expect(sessionSummary(session({ initials: ['', ''] }))).toBe('Family session · C-000042');
  });
});

describe(initialOf.name, () => {
  it('takes a whole code point, never half a surrogate pair', () => {
    expect(initialOf('𝒜da')).toBe('𝒜');
    expect(initialOf('  Okafor')).toBe('O');
    expect(initialOf(null)).toBe('');
  });
});

describe(buildCalendar.name, () => {
  it('folds long lines by UTF-8 octets (75, plus the continuation space) and escapes TEXT', () => {
    const location = `Église Saint-Sauveur, salle 2; ${'é'.repeat(80)}\\fin`;
    const text = buildCalendar([session({ location })]);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(76);
    expect(text).toContain('LOCATION:Église Saint-Sauveur\\, salle 2\\; ');
    const event = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('location')).toBe(location);
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
  });

  it('ends every line, the last included, with CRLF', () => {
    const text = buildCalendar([]);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});

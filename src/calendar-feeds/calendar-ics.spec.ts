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

  it.each([
    ['individual', 'Individual session'],
    ['couple', 'Couple session'],
    ['family', 'Family session'],
    ['group', 'Group session'],
    ['workshop', 'Session'],
  ])('calls a %s session "%s"', (modality, label) => {
    expect(sessionSummary(session({ modality }))).toBe(`${label} · C-000042 (M.O.)`);
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
    expect(initialOf('   ')).toBe('');
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

describe(`${buildCalendar.name}: what an event shows`, () => {
  const lines = (text: string) => text.split('\r\n');

  it('writes the calendar and one private, busy event per session, times in UTC', () => {
    const text = buildCalendar([session({ version: 1, location: ' 12 Rue Haute ' })]);
    expect(lines(text)).toEqual([
      'BEGIN:VCALENDAR',
      'PRODID:-//Family Therapy Case Management//Calendar feed//EN',
      'VERSION:2.0',
      'CALSCALE:GREGORIAN',
      'X-WR-CALNAME:Therapy sessions',
      'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
      'X-PUBLISHED-TTL:PT1H',
      'BEGIN:VEVENT',
      'UID:5b1c3f8e-2d4a-4c6b-9e7f-0a1b2c3d4e5f',
      'DTSTAMP:20260220T093000Z',
      'LAST-MODIFIED:20260220T093000Z',
      'SEQUENCE:0',
      'DTSTART:20260302T150000Z',
      'DTEND:20260302T155000Z',
      'SUMMARY:Family session · C-000042 (M.O.)',
      'LOCATION:12 Rue Haute',
      'DESCRIPTION:In person',
      'STATUS:CONFIRMED',
      'TRANSP:OPAQUE',
      'CLASS:PRIVATE',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ]);
  });

  it('never publishes the location of a telehealth or phone session (it may be the link)', () => {
    for (const setting of ['telehealth', 'phone']) {
      const text = buildCalendar([session({ setting, location: 'https://meet.example/abc' })]);
      expect(text).not.toContain('LOCATION');
      expect(text).not.toContain('meet.example');
    }
    expect(buildCalendar([session({ location: '   ' })])).not.toContain('LOCATION');
  });

  it.each([
    ['telehealth', 'Telehealth'],
    ['phone', 'Phone'],
    ['home_visit', 'home_visit'],
  ])('describes the %s setting as "%s"', (setting, description) => {
    expect(lines(buildCalendar([session({ setting })]))).toContain(`DESCRIPTION:${description}`);
  });

  it.each(['cancelled', 'late_cancel'])('shows a %s session cancelled and free', (status) => {
    const event = lines(buildCalendar([session({ status })]));
    expect(event).toEqual(
      expect.arrayContaining(['STATUS:CANCELLED', 'TRANSP:TRANSPARENT', 'CLASS:PRIVATE']),
    );
  });

  it('keeps a no-show busy and confirmed, like any session that took its time', () => {
    const event = lines(buildCalendar([session({ status: 'no_show' })]));
    expect(event).toEqual(expect.arrayContaining(['STATUS:CONFIRMED', 'TRANSP:OPAQUE']));
  });
});

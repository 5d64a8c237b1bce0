import ICAL from 'ical.js';

/** One session as the feed may show it: no names, no notes, no telehealth link. */
export interface FeedSession {
  id: string;
  startsAt: Date;
  endsAt: Date;
  updatedAt: Date;
  version: number;
  modality: string;
  setting: string;
  location: string | null;
  status: string;
  clientNumber: string;
  /** First letter of the client’s first name and of their last name (either may be empty; both are for a session of a case). */
  initials: [string, string];
}

const PRODUCT_ID = '-//Family Therapy Case Management//Calendar feed//EN';
const CANCELLED = new Set(['cancelled', 'late_cancel']);
const MODALITY_LABELS: Record<string, string> = {
  individual: 'Individual session',
  couple: 'Couple session',
  family: 'Family session',
  group: 'Group session',
};
const SETTING_LABELS: Record<string, string> = {
  in_person: 'In person',
  telehealth: 'Telehealth',
  phone: 'Phone',
};

/**
 * `Family session · C-000042 (M.O.)`: enough for a clinician to recognise the appointment, not
 * enough for anyone glancing at their phone to identify the client.
 */
export function sessionSummary(
  session: Pick<FeedSession, 'modality' | 'clientNumber' | 'initials'>,
): string {
  const initials = session.initials
    .map((letter) => letter.toLocaleUpperCase('en'))
    .filter((letter) => letter.length > 0)
    .map((letter) => `${letter}.`)
    .join('');
  const modality = MODALITY_LABELS[session.modality] ?? 'Session';
  return `${modality} · ${session.clientNumber}${initials ? ` (${initials})` : ''}`;
}

/** First character (a whole code point, not half a surrogate pair) of a name, or ''. */
export function initialOf(name: string | null): string {
  const [first] = Array.from((name ?? '').trim());
  return first ?? '';
}

/**
 * The feed as RFC 5545 text. ical.js escapes TEXT values and folds lines at 75 octets; every line,
 * the last included, ends with CRLF.
 */
export function buildCalendar(sessions: readonly FeedSession[]): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.updatePropertyWithValue('prodid', PRODUCT_ID);
  calendar.updatePropertyWithValue('version', '2.0');
  calendar.updatePropertyWithValue('calscale', 'GREGORIAN');
  calendar.updatePropertyWithValue('x-wr-calname', 'Therapy sessions');
  const refresh = new ICAL.Property('refresh-interval');
  // Stryker disable next-line StringLiteral: equivalent, ical.js takes the type from the Duration value too
  refresh.resetType('duration');
  refresh.setValue(ICAL.Duration.fromString('PT1H'));
  calendar.addProperty(refresh);
  calendar.updatePropertyWithValue('x-published-ttl', 'PT1H');

  for (const session of sessions) {
    const cancelled = CANCELLED.has(session.status);
    const event = new ICAL.Component('vevent');
    event.updatePropertyWithValue('uid', session.id);
    // Without METHOD, DTSTAMP is the time the event last changed (RFC 5545 §3.8.7.2).
    event.updatePropertyWithValue('dtstamp', utc(session.updatedAt));
    event.updatePropertyWithValue('last-modified', utc(session.updatedAt));
    event.updatePropertyWithValue('sequence', Math.max(0, session.version - 1));
    event.updatePropertyWithValue('dtstart', utc(session.startsAt));
    event.updatePropertyWithValue('dtend', utc(session.endsAt));
    event.updatePropertyWithValue('summary', sessionSummary(session));
    // The address of an in-person session only; a telehealth link is a way into the session.
    if (session.setting === 'in_person' && session.location?.trim()) {
      event.updatePropertyWithValue('location', session.location.trim());
    }
    event.updatePropertyWithValue(
      'description',
      SETTING_LABELS[session.setting] ?? session.setting,
    );
    event.updatePropertyWithValue('status', cancelled ? 'CANCELLED' : 'CONFIRMED');
    event.updatePropertyWithValue('transp', cancelled ? 'TRANSPARENT' : 'OPAQUE');
    event.updatePropertyWithValue('class', 'PRIVATE');
    calendar.addSubcomponent(event);
  }
  return `${calendar.toString()}\r\n`;
}

function utc(date: Date): ICAL.Time {
  return ICAL.Time.fromJSDate(date, true);
}

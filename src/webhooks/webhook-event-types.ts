/**
 * Every event type the API emits today, in the OpenAPI document's enumeration; a type is listed only
 * once some code path emits it.
 */
export const WEBHOOK_EVENT_TYPES = [
  'client.created',
  'client.updated',
  'client.status_changed',
  'case.opened',
  'case.updated',
  'case.status_changed',
  'case.entered_in_error',
  'case.member_added',
  'session.scheduled',
  'session.rescheduled',
  'session.cancelled',
  'session.completed',
  'note.signed',
  'note.cosigned',
  'goal.status_changed',
  'checkin.recorded',
  'intake.submitted',
  'intake.accepted',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * What an event names: ids only (never names, dates of birth, note text or contacts). The practice
 * is always there; the rest depends on the type (`clientId`, `sessionId`, `noteId`, `goalId`,
 * `checkInId`, `submissionId`, `caseId`, `personId`). A case event never carries the case's label,
 * which is usually the family's surname.
 */
export type WebhookEventIds = { practiceId: string } & Record<string, string>;

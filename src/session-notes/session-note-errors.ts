import type { ProblemCodes } from '../common/problem/problem';

export const SESSION_NOTE_ERRORS = {
  noteExists: {
    code: 'note-exists',
    status: 409,
    description: 'The session already has a note.',
  },
  noteLocked: {
    code: 'note-locked',
    status: 409,
    description:
      'The note is signed or awaiting co-signature and can no longer be edited; add an addendum.',
  },
  noteNotSigned: {
    code: 'note-not-signed',
    status: 409,
    description: 'Addenda are added to signed notes only.',
  },
  noteNotAwaitingCosign: {
    code: 'note-not-awaiting-cosign',
    status: 409,
    description: 'The note is not awaiting co-signature.',
  },
  sessionNotCompleted: {
    code: 'session-not-completed',
    status: 422,
    description: 'A note is written for a completed session.',
  },
  noteIncomplete: {
    code: 'note-incomplete',
    status: 422,
    description:
      'The note is not complete enough to sign: every section written and risk screened (`errors` names what is missing).',
  },
} as const satisfies ProblemCodes;

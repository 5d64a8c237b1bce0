import type { ProblemCodes } from '../common/problem/problem';

export const WEBHOOK_ERRORS = {
  destinationRefused: {
    code: 'webhook-destination-refused',
    status: 422,
    description:
      'The webhook URL is not an http(s) address of a public host (loopback, private, link-local, CGNAT, metadata and other non-public addresses are refused unless the operator allows them).',
  },
  tooManyEndpoints: {
    code: 'too-many-webhook-endpoints',
    status: 409,
    description: 'The practice already has the most webhook endpoints allowed; delete one first.',
  },
} as const satisfies ProblemCodes;

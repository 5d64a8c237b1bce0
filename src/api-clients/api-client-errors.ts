import type { ProblemCodes } from '../common/problem/problem';

export const API_CLIENT_ERRORS = {
  keyLimit: {
    code: 'api-key-limit',
    status: 409,
    description: 'An API client holds at most two active keys; revoke one before creating another.',
  },
  revoked: {
    code: 'api-client-revoked',
    status: 409,
    description: 'The API client is revoked and can no longer change or get keys.',
  },
  invalidOwner: {
    code: 'invalid-api-client-owner',
    status: 422,
    description: 'The owner of an API client is an active admin of the practice.',
  },
  invalidCaseload: {
    code: 'invalid-caseload',
    status: 422,
    description: 'A caseload lists active counselors or supervisors of the practice.',
  },
  auditScopeNeedsWholePractice: {
    code: 'audit-scope-needs-whole-practice',
    status: 422,
    description:
      'Only an API client that reaches the whole practice (no caseload) may hold `audit:read`: the audit log names every client of the practice.',
  },
} as const satisfies ProblemCodes;

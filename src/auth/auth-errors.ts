import { ProblemError, type ProblemCodes } from '../common/problem/problem';

export const AUTH_ERRORS = {
  invalidCredentials: {
    code: 'invalid-credentials',
    status: 401,
    description:
      'Sign-in refused: wrong email or password, or the account is temporarily locked (one answer for all).',
  },
  unauthenticated: {
    code: 'unauthenticated',
    status: 401,
    description: 'No access token, or an invalid or expired one (`WWW-Authenticate: Bearer`).',
  },
  invalidRefreshToken: {
    code: 'invalid-refresh-token',
    status: 401,
    description: 'The refresh token is invalid, expired or revoked: sign in again.',
  },
  insufficientScope: {
    code: 'insufficient-scope',
    status: 403,
    description:
      'The API key’s scopes do not include what this route needs, or no API key may call it (`requiredScope` says which).',
  },
  staffAuthorRequired: {
    code: 'staff-author-required',
    status: 403,
    description:
      'A clinician’s own act (writing, signing or co-signing a note, completing a session, a check-in) is never done with an API key, whatever its scopes.',
  },
  ipNotAllowed: {
    code: 'ip-not-allowed',
    status: 403,
    description: 'The API key is used from an address outside its client’s IP allow-list.',
  },
  invalidPasswordToken: {
    code: 'invalid-password-token',
    status: 404,
    description: 'The set-password link is invalid, used or expired.',
  },
  wrongCurrentPassword: {
    code: 'wrong-current-password',
    status: 422,
    description: 'Changing the password needs the correct current password.',
  },
} as const satisfies ProblemCodes;

/** One answer for every credential failure, so that it reveals nothing about which part failed. */
export class InvalidCredentialsProblem extends ProblemError {
  constructor() {
    super({
      problem: AUTH_ERRORS.invalidCredentials,
      detail: 'The email or password is incorrect, or the account is temporarily locked.',
    });
  }
}

export class UnauthenticatedProblem extends ProblemError {
  constructor(detail = 'A valid access token is required (Authorization: Bearer …).') {
    super({
      problem: AUTH_ERRORS.unauthenticated,
      detail,
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
}

export class InvalidRefreshTokenProblem extends ProblemError {
  constructor() {
    super({
      problem: AUTH_ERRORS.invalidRefreshToken,
      detail: 'The refresh token is invalid, expired or revoked. Please sign in again.',
    });
  }
}

export class InvalidPasswordTokenProblem extends ProblemError {
  constructor() {
    super({
      problem: AUTH_ERRORS.invalidPasswordToken,
      detail: 'The set-password link is invalid, used or expired.',
    });
  }
}

export class InsufficientScopeProblem extends ProblemError {
  constructor(requiredScope: string | null) {
    super({
      problem: AUTH_ERRORS.insufficientScope,
      detail: requiredScope
        ? `This route needs the scope ${requiredScope}.`
        : 'API keys may not call this route.',
      extensions: { requiredScope },
    });
  }
}

export class StaffAuthorRequiredProblem extends ProblemError {
  constructor() {
    super({
      problem: AUTH_ERRORS.staffAuthorRequired,
      detail:
        'This records a clinician as its author; a signed-in staff member must do it, not an API key.',
    });
  }
}

export class IpNotAllowedProblem extends ProblemError {
  constructor() {
    super({
      problem: AUTH_ERRORS.ipNotAllowed,
      detail: 'This API key may not be used from this address.',
    });
  }
}

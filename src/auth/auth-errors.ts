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

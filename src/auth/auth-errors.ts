import { ProblemError } from '../common/problem/problem';

/** One answer for every credential failure, so that it reveals nothing about which part failed. */
export class InvalidCredentialsProblem extends ProblemError {
  constructor() {
    super({
      status: 401,
      code: 'invalid-credentials',
      detail: 'The email or password is incorrect, or the account is temporarily locked.',
    });
  }
}

export class UnauthenticatedProblem extends ProblemError {
  constructor(detail = 'A valid access token is required (Authorization: Bearer …).') {
    super({
      status: 401,
      code: 'unauthenticated',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
}

export class InvalidRefreshTokenProblem extends ProblemError {
  constructor() {
    super({
      status: 401,
      code: 'invalid-refresh-token',
      detail: 'The refresh token is invalid, expired or revoked. Please sign in again.',
    });
  }
}

export class InvalidPasswordTokenProblem extends ProblemError {
  constructor() {
    super({
      status: 404,
      code: 'invalid-password-token',
      detail: 'The set-password link is invalid, used or expired.',
    });
  }
}

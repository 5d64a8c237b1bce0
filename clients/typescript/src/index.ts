import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths };

/** A named schema of the document, e.g. `Schema<'ClientView'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** The problem details (RFC 9457) every error answer carries. */
export type Problem = components['schemas']['ProblemDetailsSchema'];

/**
 * Any media type: answers are `application/json`, errors `application/problem+json`, and both must
 * reach `data` and `error` typed.
 */
export type FamilyTherapyClient = Client<paths>;

/** Where the bearer credential comes from: a staff access token or an API client's key, never both. */
export type FamilyTherapyCredentials =
  | {
      /**
       * A staff access token (from `POST /api/v1/auth/login`), or a function giving the current one,
       * so that a caller who refreshes tokens keeps one client.
       */
      token: string | (() => string | undefined | Promise<string | undefined>);
      apiKey?: never;
    }
  | {
      /** An API client's key (`ftk_live_…`), as shown once when it was created. */
      apiKey: string;
      token?: never;
    }
  | { token?: never; apiKey?: never };

export type FamilyTherapyClientOptions = Omit<ClientOptions, 'baseUrl'> &
  FamilyTherapyCredentials & {
    /** The API's origin, e.g. `https://therapy.example.org` (paths already start with `/api/v1`). */
    baseUrl: string;
  };

/**
 * A typed client for every operation of the API: `client.GET('/api/v1/clients', …)` checks the
 * path, parameters, body and answer against the OpenAPI document at compile time.
 */
export function createFamilyTherapyClient(
  options: FamilyTherapyClientOptions,
): FamilyTherapyClient {
  const { token, apiKey, ...clientOptions } = options;
  const client = createClient<paths>(clientOptions);
  client.use(bearerMiddleware(apiKey ?? token));
  return client;
}

function bearerMiddleware(credential: FamilyTherapyCredentials['token'] | string): Middleware {
  return {
    async onRequest({ request }) {
      // A header given for one call (e.g. another user's token) wins over the client's own.
      if (credential === undefined || request.headers.has('Authorization')) return undefined;
      const value = typeof credential === 'function' ? await credential() : credential;
      if (value) request.headers.set('Authorization', `Bearer ${value}`);
      return request;
    },
  };
}

import type { FamilyTherapyClient } from '../../clients/typescript/src/index';

/**
 * Never called: `npm run typecheck` compiles it, and fails as soon as the generated client lets
 * one of these through (an unused `@ts-expect-error` is an error), i.e. if the client's types ever
 * loosen to `any`.
 */
export function refusedAtCompileTime(api: FamilyTherapyClient) {
  return [
    // @ts-expect-error: no such path
    api.GET('/api/v1/client'),
    api.POST('/api/v1/therapy-sessions', {
      // @ts-expect-error: `modality` must be one of the document's values
      body: { clientId: '', startsAt: '', endsAt: '', modality: 'solo', setting: 'phone' },
    }),
    // @ts-expect-error: the path parameter is required
    api.GET('/api/v1/therapy-sessions/{sessionId}', {}),
    // @ts-expect-error: a field the answer does not have
    api.GET('/api/v1/dashboard').then(({ data }) => data?.notes.unsigned),
  ];
}

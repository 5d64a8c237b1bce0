import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { GRANTABLE_API_SCOPES } from '../../src/common/actor/actor';

/** Every scope an admin may grant (the reserved ones are refused). */
export const EVERY_SCOPE = [...GRANTABLE_API_SCOPES];

/** Registers an API client through the admin endpoint and returns its id and first key. */
export async function createApiClient(
  app: INestApplication,
  adminAuthorization: string,
  body: Record<string, unknown>,
): Promise<{ id: string; key: string; keyId: string }> {
  const response = await request(app.getHttpServer())
    .post('/api/v1/api-clients')
    .set('Authorization', adminAuthorization)
    .send({ name: 'Practice software', ...body });
  if (response.status !== 201)
    throw new Error(`creating an API client: ${response.status} ${JSON.stringify(response.body)}`);
  const created = response.body as { id: string; key: string; keys: { id: string }[] };
  return { id: created.id, key: created.key, keyId: created.keys[0]!.id };
}

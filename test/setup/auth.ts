import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TokenService } from '../../src/auth/token.service';
import type { TestStaff } from '../factories/staff.factory';

/** Signs in through the real endpoint and returns the access token. */
export async function loginAs(
  app: INestApplication,
  staff: Pick<TestStaff, 'email' | 'password'>,
): Promise<string> {
  const response = await request(app.getHttpServer())
    .post('/api/v1/auth/login')
    .send({ email: staff.email, password: staff.password });
  if (response.status !== 200)
    throw new Error(`login failed with ${response.status}: ${JSON.stringify(response.body)}`);
  return (response.body as { accessToken: string }).accessToken;
}

/** Issues tokens directly (no password check), for tests that are not about signing in. */
export async function tokenFor(app: INestApplication, staff: TestStaff): Promise<string> {
  const issued = await app
    .get(TokenService)
    .issue({ id: staff.id, practiceId: staff.practiceId, role: staff.role });
  return issued.accessToken;
}

export const bearer = (token: string): string => `Bearer ${token}`;

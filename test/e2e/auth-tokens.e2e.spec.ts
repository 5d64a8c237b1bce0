import { createHmac, generateKeyPairSync, KeyObject, sign as rsaSign } from 'node:crypto';
import request from 'supertest';
import { AppConfig } from '../../src/config/app-config';
import { createTeam, type TestStaff } from '../factories/staff.factory';
import { bearer, loginAs } from '../setup/auth';
import { startTestApp, type TestApp } from '../setup/test-app';

const b64 = (value: object | string | Buffer) =>
  Buffer.from(
    typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value),
  ).toString('base64url');

function hs(alg: 'HS256' | 'HS512', payload: object, secret: string, header: object = {}): string {
  const head = b64({ alg, typ: 'JWT', ...header });
  const body = b64(payload);
  const digest = createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret)
    .update(`${head}.${body}`)
    .digest();
  return `${head}.${body}.${b64(digest)}`;
}

describe('access tokens under attack', () => {
  let testApp: TestApp;
  let secret: string;
  let counselor: TestStaff;
  let valid: string;
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    testApp = await startTestApp();
    secret = testApp.app.get(AppConfig).auth.jwtSecret;
    ({ counselor } = await createTeam(testApp.dataSource));
    valid = await loginAs(testApp.app, counselor);
    claims = JSON.parse(Buffer.from(valid.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
  });
  afterAll(() => testApp.close());

  const me = (authorization?: string) => {
    const call = request(testApp.app.getHttpServer()).get('/api/v1/me');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  it('hands the JWT library a secret-key object made once at start, not a string to parse per call', () => {
    const options = testApp.app.get<{ secret: unknown }>('JWT_MODULE_OPTIONS', { strict: false });
    expect(options.secret).toBeInstanceOf(KeyObject);
    expect((options.secret as KeyObject).type).toBe('secret');
    expect((options.secret as KeyObject).export().toString('utf8')).toBe(secret);
  });

  it('accepts the genuine token', async () => {
    const response = await me(bearer(valid)).expect(200);
    expect(response.body).toMatchObject({
      id: counselor.id,
      role: 'counselor',
      email: counselor.email,
    });
    expect(response.body.practice.timeZone).toBe('America/Chicago');
  });

  const now = () => Math.floor(Date.now() / 1000);
  const without = (all: Record<string, unknown>, claim: string) =>
    Object.fromEntries(Object.entries(all).filter(([key]) => key !== claim));
  const attacks: [string, () => string][] = [
    ['no token at all', () => ''],
    ['alg: none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
    [
      'alg: none with the original signature',
      () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.${valid.split('.')[2]}`,
    ],
    ['re-signed with HS512 and the right secret', () => hs('HS512', claims, secret)],
    [
      're-signed with RS256 (algorithm confusion)',
      () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const head = b64({ alg: 'RS256', typ: 'JWT' });
        const body = b64(claims);
        return `${head}.${body}.${b64(rsaSign('sha256', Buffer.from(`${head}.${body}`), privateKey))}`;
      },
    ],
    [
      'signed with another secret',
      () => hs('HS256', claims, 'another-secret-that-is-long-enough-xxxx'),
    ],
    ['signature stripped', () => valid.split('.').slice(0, 2).join('.') + '.'],
    ['only header and payload', () => valid.split('.').slice(0, 2).join('.')],
    ['garbage', () => 'not.a.jwt'],
    ['not even base64', () => '%%%.@@@.!!!'],
    ['expired', () => hs('HS256', { ...claims, iat: now() - 3600, exp: now() - 60 }, secret)],
    ['wrong issuer', () => hs('HS256', { ...claims, iss: 'someone-else' }, secret)],
    ['wrong audience', () => hs('HS256', { ...claims, aud: 'another-api' }, secret)],
    ['wrong token type', () => hs('HS256', { ...claims, typ: 'refresh' }, secret)],
    ['unknown role', () => hs('HS256', { ...claims, role: 'superuser' }, secret)],
    ['a version that is not a whole number', () => hs('HS256', { ...claims, ver: '1' }, secret)],
    // Re-signed with the right secret but missing a claim the verifier must insist on: without
    // `exp` a stolen token would never die.
    // Without `sid` and `ver` it could not be revoked before it expires.
    ...(['exp', 'iat', 'aud', 'iss', 'typ', 'sid', 'ver'] as const).map(
      (claim): [string, () => string] => [
        `re-signed without ${claim}`,
        () => hs('HS256', without(claims, claim), secret),
      ],
    ),
    [
      'a lifetime longer than the API ever issues',
      () => hs('HS256', { ...claims, iat: now(), exp: now() + 30 * 24 * 3600 }, secret),
    ],
    ['issued in the future', () => hs('HS256', { ...claims, iat: now() + 600 }, secret)],
    [
      'payload edited to raise the role (signature kept)',
      () => {
        const [head, , signature] = valid.split('.');
        return `${head}.${b64({ ...claims, role: 'admin' })}.${signature}`;
      },
    ],
  ];

  it.each(attacks)('refuses %s with 401 problem details', async (_name, make) => {
    const token = make();
    const response = await me(token ? bearer(token) : undefined).expect(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body.status).toBe(401);
  });

  it('refuses a refresh token presented as an access token', async () => {
    const login = await request(testApp.app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ email: counselor.email, password: counselor.password })
      .expect(200);
    await me(bearer(login.body.refreshToken as string)).expect(401);
  });

  it('refuses other schemes than Bearer', async () => {
    await me(
      `Basic ${Buffer.from(`${counselor.email}:${counselor.password}`).toString('base64')}`,
    ).expect(401);
    await me(`bearer  ${valid} extra`).expect(401);
  });
});

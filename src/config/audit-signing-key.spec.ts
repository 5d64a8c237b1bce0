import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';

const SECRET = 'a-production-secret-that-is-long-enough-0123';

describe('audit signing key', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'signing-key-spec-'));
  const publicPem = (config: ReturnType<typeof loadConfig>) =>
    createPublicKey(config.auditSigningKey).export({ type: 'spki', format: 'pem' }).toString();

  it('is generated once into the data folder and reused by the next start', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const file = join(dir, 'audit-signing-key');
    const stored = readFileSync(file, 'utf8');
    const second = loadConfig({ DATA_DIR: dir });

    expect(first.auditSigningKey.asymmetricKeyType).toBe('ed25519');
    expect(publicPem(second)).toBe(publicPem(first));
    expect(readFileSync(file, 'utf8')).toBe(stored);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const signature = sign(null, Buffer.from('head'), first.auditSigningKey);
    expect(
      verify(null, Buffer.from('head'), createPublicKey(second.auditSigningKey), signature),
    ).toBe(true);
  });

  it('accepts AUDIT_SIGNING_KEY as a PEM or as base64 PKCS#8', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const expected = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const der = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');

    expect(publicPem(loadConfig({ DATA_DIR: dataDir(), AUDIT_SIGNING_KEY: pem }))).toBe(expected);
    expect(publicPem(loadConfig({ DATA_DIR: dataDir(), AUDIT_SIGNING_KEY: der }))).toBe(expected);
  });

  it('refuses a key that is not Ed25519 without echoing it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const attempt = (value: string) => () =>
      loadConfig({ DATA_DIR: dataDir(), AUDIT_SIGNING_KEY: value });

    expect(attempt(rsa)).toThrow('Invalid configuration: AUDIT_SIGNING_KEY must be an Ed25519');
    expect(attempt('not-a-key-secret-value')).toThrow(/^(?!.*not-a-key-secret-value)/);
    expect(attempt('not-a-key-secret-value')).toThrow('AUDIT_SIGNING_KEY must be an Ed25519');
  });

  it('is required in production', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, DATABASE_URL: 'postgres://db/x' }),
    ).toThrow('Invalid configuration: AUDIT_SIGNING_KEY is required in production');
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const SECRET = 'a-production-secret-that-is-long-enough-0123';

describe('loadConfig', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'config-spec-'));

  it('applies defaults for a development start', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config.env).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.database.url).toBeUndefined();
    expect(config.embedded.dataDir).toBe(join(config.dataDir, 'postgres'));
    expect(config.seedDemo).toBe(true);
    expect(config.corsOrigins).toEqual([]);
  });

  it('names the variable and never echoes its value', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: dataDir() })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: dataDir() })).toThrow(
      /^Invalid configuration: PORT /,
    );
    const attempt = () => loadConfig({ JWT_SECRET: 'short-secret-value', DATA_DIR: dataDir() });
    expect(attempt).toThrow('Invalid configuration: JWT_SECRET must be at least 32 characters');
    expect(attempt).not.toThrow(/short-secret-value/);
  });

  it('requires a JWT secret and a database URL in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' })).toThrow(
      'Invalid configuration: JWT_SECRET is required in production',
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET })).toThrow(
      'Invalid configuration: DATABASE_URL is required in production',
    );
  });

  it('requires the owner URL for migrations in production, and only next to DATABASE_URL', () => {
    const signingKey = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: SECRET,
        DATABASE_URL: 'postgres://app@db/x',
        AUDIT_SIGNING_KEY: signingKey,
      }),
    ).toThrow(
      'Invalid configuration: MIGRATION_DATABASE_URL is required in production (the owner role that runs migrations)',
    );
    expect(() =>
      loadConfig({ MIGRATION_DATABASE_URL: 'postgres://owner@db/x', DATA_DIR: dataDir() }),
    ).toThrow(
      'Invalid configuration: MIGRATION_DATABASE_URL must come with DATABASE_URL (the application role)',
    );
    expect(() =>
      loadConfig({ MIGRATION_DATABASE_URL: 'mysql://db/x', DATA_DIR: dataDir() }),
    ).toThrow(
      'Invalid configuration: MIGRATION_DATABASE_URL must be a postgres:// or postgresql:// URL',
    );
    const config = loadConfig({
      DATABASE_URL: 'postgres://app@db/x',
      MIGRATION_DATABASE_URL: 'postgres://owner@db/x',
      DATA_DIR: dataDir(),
    });
    expect(config.database).toMatchObject({
      url: 'postgres://app@db/x',
      migrationUrl: 'postgres://owner@db/x',
    });
  });

  it('never seeds the demo practice in production, even when asked', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      DATABASE_URL: 'postgres://db/x',
      MIGRATION_DATABASE_URL: 'postgres://owner@db/x',
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      SEED_DEMO: 'true',
    });
    expect(config.seedDemo).toBe(false);
  });

  it('rejects a DATABASE_URL that is not a PostgreSQL URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x', DATA_DIR: dataDir() })).toThrow(
      'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL',
    );
  });

  it('generates a development secret once and keeps it in the data folder', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    const file = join(dir, 'jwt-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.auth.jwtSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('splits CORS origins', () => {
    const config = loadConfig({
      CORS_ORIGINS: 'https://a.example, https://b.example',
      DATA_DIR: dataDir(),
    });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('reads the webhook allow-list, and refuses one that is not addresses or ranges', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).webhooks.allowedPrivateAddresses).toEqual([]);
    const config = loadConfig({
      WEBHOOK_ALLOWED_PRIVATE_ADDRESSES: '127.0.0.1, 10.20.0.0/16',
      DATA_DIR: dataDir(),
    });
    expect(config.webhooks.allowedPrivateAddresses).toEqual(['127.0.0.1', '10.20.0.0/16']);
    expect(() =>
      loadConfig({ WEBHOOK_ALLOWED_PRIVATE_ADDRESSES: 'intranet.local', DATA_DIR: dataDir() }),
    ).toThrow(
      'Invalid configuration: WEBHOOK_ALLOWED_PRIVATE_ADDRESSES must be comma-separated IP addresses or CIDR ranges',
    );
  });

  describe('operations switches', () => {
    const production = (extra: Record<string, string> = {}) =>
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: SECRET,
        DATABASE_URL: 'postgres://db/x',
        MIGRATION_DATABASE_URL: 'postgres://owner@db/x',
        AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
        ...extra,
      });

    it('serves the API docs by default outside production only, unless told', () => {
      expect(loadConfig({ DATA_DIR: dataDir() }).docsEnabled).toBe(true);
      expect(loadConfig({ DATA_DIR: dataDir(), DOCS_ENABLED: 'false' }).docsEnabled).toBe(false);
      expect(production().docsEnabled).toBe(false);
      expect(production({ DOCS_ENABLED: 'true' }).docsEnabled).toBe(true);
    });

    it('serves metrics on the API port by default, on a port of its own when told', () => {
      expect(loadConfig({ DATA_DIR: dataDir() }).metrics).toEqual({
        enabled: true,
        port: undefined,
      });
      expect(production({ METRICS_PORT: '9464' }).metrics).toEqual({ enabled: true, port: 9464 });
      expect(loadConfig({ DATA_DIR: dataDir(), METRICS_ENABLED: 'no' }).metrics.enabled).toBe(
        false,
      );
      expect(() => loadConfig({ DATA_DIR: dataDir(), METRICS_PORT: '3000' })).toThrow(
        'Invalid configuration: METRICS_PORT must differ from PORT',
      );
    });
  });
});

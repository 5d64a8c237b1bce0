import { randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { version } from '../../package.json';
import { loadAuditSigningKey } from './audit-signing-key';
import { environmentSchema, type Environment } from './config.schema';

/** Raised when the environment does not describe a runnable API; its message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface DatabaseConfig {
  /** Set when an external server is used; otherwise the embedded server is started. */
  url?: string;
  /** The owner role that runs migrations on the external server; unset means `url` does. */
  migrationUrl?: string;
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  ssl: boolean;
}

export interface AuthConfig {
  jwtSecret: string;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** Failed logins of one account from one source within `lockoutSeconds` that refuse that source. */
  lockoutThreshold: number;
  lockoutSeconds: number;
  /** Login attempts allowed per window per client IP, whatever the account. */
  rateWindowSeconds: number;
  ratePerIp: number;
  /** Failed logins of one account in an hour, from all sources, that lock it for an hour. */
  accountFailuresPerHour: number;
}

/** Requests to the public intake form allowed per window, per link and per client IP. */
export interface IntakeConfig {
  rateWindowSeconds: number;
  ratePerToken: number;
  ratePerIp: number;
}

/** Webhook delivery: how often the worker looks for due deliveries, and how it retries. */
export interface WebhookConfig {
  /** 0 turns the delivery worker off in this process. */
  pollIntervalMs: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** After this long since the delivery was made, a failing one is given up as failed. */
  retryWindowSeconds: number;
  /** Consecutive failed attempts that disable an endpoint. */
  disableAfterFailures: number;
  /** Days a delivered (succeeded) delivery stays in the log before housekeeping purges it. */
  deliveredRetentionDays: number;
  /** Days a failed delivery stays in the log (longer: it is what an admin investigates and replays). */
  failedRetentionDays: number;
  /** Non-public addresses or CIDR ranges that endpoints may still point at (tests: 127.0.0.1). */
  allowedPrivateAddresses: string[];
}

export interface MetricsConfig {
  enabled: boolean;
  /** A port of its own for /metrics (and detailed readiness); unset: the API's port. */
  port?: number;
}

export interface EmbeddedDatabaseConfig {
  dataDir: string;
  port: number;
}

/** The validated configuration, built once at start and injected where it is needed. */
export class AppConfig {
  readonly version = version;
  readonly env: Environment['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly embedded: EmbeddedDatabaseConfig;
  readonly auth: AuthConfig;
  readonly corsOrigins: string[];
  readonly logLevel: Environment['LOG_LEVEL'];
  readonly seedDemo: boolean;
  readonly demoPassword: string;
  readonly shutdownDrainMs: number;
  readonly trustProxy: boolean;
  /** How long a break-the-glass grant lasts. */
  readonly emergencyAccessMinutes: number;
  /** How often the audit sealer links new events into each practice's chain; 0 turns it off. */
  readonly auditSealIntervalMs: number;
  readonly intake: IntakeConfig;
  /** Ed25519 private key that signs audit chain checkpoints. */
  readonly auditSigningKey: KeyObject;
  /** How often each practice's signed chain head is logged; 0 turns it off. */
  readonly auditCheckpointIntervalSeconds: number;
  /** How often expired tokens, keys and counters are purged; 0 turns it off. */
  readonly housekeepingIntervalSeconds: number;
  /** Days the change feed's entries are kept; a cursor older than what is kept answers 410. */
  readonly changeFeedRetentionDays: number;
  /** Requests one signed-in staff member may make per minute, across all replicas. */
  readonly actorRateLimitPerMinute: number;
  readonly webhooks: WebhookConfig;
  /** Serve Swagger UI at /docs and the OpenAPI document at /docs-json. */
  readonly docsEnabled: boolean;
  readonly metrics: MetricsConfig;
  /** Shown readiness details on the API port to a caller presenting it; unset: never there. */
  readonly healthDetailsToken?: string;

  constructor(env: Environment, jwtSecret: string, auditSigningKey: KeyObject) {
    this.env = env.NODE_ENV;
    this.host = env.HOST;
    this.port = env.PORT;
    this.dataDir = resolve(env.DATA_DIR);
    this.database = {
      url: env.DATABASE_URL,
      migrationUrl: env.MIGRATION_DATABASE_URL,
      poolSize: env.DB_POOL_SIZE,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      ssl: env.DB_SSL,
    };
    this.embedded = {
      dataDir: resolve(env.EMBEDDED_PG_DATA_DIR ?? join(this.dataDir, 'postgres')),
      port: env.EMBEDDED_PG_PORT,
    };
    this.auth = {
      jwtSecret,
      issuer: 'family-therapy-api',
      audience: 'family-therapy-api',
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      lockoutThreshold: env.LOGIN_LOCKOUT_THRESHOLD,
      lockoutSeconds: env.LOGIN_LOCKOUT_SECONDS,
      rateWindowSeconds: env.LOGIN_RATE_WINDOW_SECONDS,
      ratePerIp: env.LOGIN_RATE_LIMIT_PER_IP,
      accountFailuresPerHour: env.LOGIN_ACCOUNT_FAILURES_PER_HOUR,
    };
    this.corsOrigins = env.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    this.logLevel = env.LOG_LEVEL;
    // The demo practice carries well-known passwords: it must never reach a production database.
    this.seedDemo = env.NODE_ENV === 'production' ? false : (env.SEED_DEMO ?? true);
    this.demoPassword = env.DEMO_PASSWORD;
    this.shutdownDrainMs = env.SHUTDOWN_DRAIN_MS;
    this.trustProxy = env.TRUST_PROXY;
    this.auditSealIntervalMs = env.AUDIT_SEAL_INTERVAL_MS;
    this.emergencyAccessMinutes = env.EMERGENCY_ACCESS_MINUTES;
    this.actorRateLimitPerMinute = env.ACTOR_RATE_LIMIT_PER_MINUTE;
    this.intake = {
      rateWindowSeconds: env.INTAKE_RATE_WINDOW_SECONDS,
      ratePerToken: env.INTAKE_RATE_LIMIT_PER_TOKEN,
      ratePerIp: env.INTAKE_RATE_LIMIT_PER_IP,
    };
    this.auditSigningKey = auditSigningKey;
    this.auditCheckpointIntervalSeconds = env.AUDIT_CHECKPOINT_INTERVAL_SECONDS;
    this.housekeepingIntervalSeconds = env.HOUSEKEEPING_INTERVAL_SECONDS;
    this.changeFeedRetentionDays = env.CHANGE_FEED_RETENTION_DAYS;
    this.webhooks = {
      pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      retryMaxDelayMs: env.WEBHOOK_RETRY_MAX_DELAY_MS,
      retryWindowSeconds: env.WEBHOOK_RETRY_WINDOW_SECONDS,
      disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
      deliveredRetentionDays: env.WEBHOOK_DELIVERED_RETENTION_DAYS,
      failedRetentionDays: env.WEBHOOK_FAILED_RETENTION_DAYS,
      allowedPrivateAddresses: env.WEBHOOK_ALLOWED_PRIVATE_ADDRESSES.split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    };
    // The API's own description helps an attacker map it: production opts in.
    this.docsEnabled = env.DOCS_ENABLED ?? env.NODE_ENV !== 'production';
    this.metrics = { enabled: env.METRICS_ENABLED, port: env.METRICS_PORT };
    this.healthDetailsToken = env.HEALTH_DETAILS_TOKEN;
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }
}

/**
 * Validates the environment and builds the configuration. Throws a {@link ConfigError} whose
 * message is one line naming the offending variable; values are never echoed (they may be secrets).
 */
export function loadConfig(source: NodeJS.ProcessEnv): AppConfig {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`Invalid configuration: ${variable} ${describe(issue?.message)}`);
  }
  const env = parsed.data;
  const signingKey = loadAuditSigningKey(env.AUDIT_SIGNING_KEY, resolve(env.DATA_DIR));
  if ('problem' in signingKey)
    throw new ConfigError(`Invalid configuration: ${signingKey.problem}`);
  return new AppConfig(env, env.JWT_SECRET ?? developmentSecret(resolve(env.DATA_DIR)), signingKey);
}

function describe(message: string | undefined): string {
  if (!message) return 'is invalid';
  return /^(is|must)\b/.test(message) ? message : `is invalid (${message})`;
}

/**
 * Outside production a missing JWT secret is generated once and kept in the data folder, so that
 * restarting the API does not log everybody out.
 */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

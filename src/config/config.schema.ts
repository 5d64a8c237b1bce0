import { z } from 'zod';
import { isAddressOrRange } from '../webhooks/destination-policy';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

/**
 * Every environment variable the API reads. Nothing else in the code reads `process.env`: it asks
 * the typed {@link AppConfig} built from this schema. The one exception is the tracing preload
 * (`src/tracing/`), which must decide before any other module loads and so reads `OTEL_*` itself.
 */
export const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    DATABASE_URL: postgresUrl.optional(),
    MIGRATION_DATABASE_URL: postgresUrl.optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_PG_DATA_DIR: z.string().min(1).optional(),
    EMBEDDED_PG_PORT: port.default(54329),
    DB_POOL_SIZE: positiveInt.max(200).default(10),
    DB_CONNECT_TIMEOUT_MS: positiveInt.default(3000),
    DB_STATEMENT_TIMEOUT_MS: positiveInt.default(10000),
    DB_SSL: booleanFlag.default(false),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    CORS_ORIGINS: z.string().default(''),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    SEED_DEMO: booleanFlag.optional(),
    DEMO_PASSWORD: z
      .string()
      .min(12, 'must be at least 12 characters')
      .default('riverside-demo-2026'),
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(0),
    TRUST_PROXY: booleanFlag.default(false),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt.max(3600).default(900),
    REFRESH_TOKEN_TTL_DAYS: positiveInt.max(365).default(30),
    LOGIN_LOCKOUT_THRESHOLD: positiveInt.default(5),
    LOGIN_LOCKOUT_SECONDS: positiveInt.default(900),
    LOGIN_RATE_WINDOW_SECONDS: positiveInt.default(300),
    LOGIN_RATE_LIMIT_PER_IP: positiveInt.default(50),
    LOGIN_ACCOUNT_FAILURES_PER_HOUR: positiveInt
      .max(100, 'ASVS V2.2.1 allows at most 100 failed attempts an hour')
      .default(100),
    EMERGENCY_ACCESS_MINUTES: positiveInt.max(24 * 60).default(60),
    INTAKE_RATE_LIMIT_PER_TOKEN: positiveInt.default(20),
    INTAKE_RATE_LIMIT_PER_IP: positiveInt.default(60),
    INTAKE_RATE_WINDOW_SECONDS: positiveInt.default(3600),
    ACTOR_RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
    AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
    AUDIT_SIGNING_KEY: z.string().min(1).optional(),
    AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
    HOUSEKEEPING_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
    WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
    WEBHOOK_TIMEOUT_MS: positiveInt.max(60_000).default(5000),
    WEBHOOK_RETRY_BASE_MS: positiveInt.default(30_000),
    WEBHOOK_RETRY_MAX_DELAY_MS: positiveInt.default(3_600_000),
    WEBHOOK_RETRY_WINDOW_SECONDS: positiveInt.default(86_400),
    WEBHOOK_DISABLE_AFTER_FAILURES: positiveInt.default(20),
    WEBHOOK_DELIVERED_RETENTION_DAYS: positiveInt.max(3650).default(30),
    WEBHOOK_FAILED_RETENTION_DAYS: positiveInt.max(3650).default(90),
    CHANGE_FEED_RETENTION_DAYS: positiveInt.max(3650).default(90),
    WEBHOOK_ALLOWED_PRIVATE_ADDRESSES: z
      .string()
      .default('')
      .refine(
        (value) => value.split(',').every((part) => isAddressOrRange(part.trim())),
        'must be comma-separated IP addresses or CIDR ranges',
      ),
    DOCS_ENABLED: booleanFlag.optional(),
    METRICS_ENABLED: booleanFlag.default(true),
    METRICS_PORT: port.optional(),
    HEALTH_DETAILS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    // Read by the tracing preload before this schema runs (src/tracing/); validated here too.
    OTEL_ENABLED: booleanFlag.default(false),
  })
  .superRefine((env, ctx) => {
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({
        code: 'custom',
        path: ['METRICS_PORT'],
        message: 'must differ from PORT (leave it unset to serve /metrics on the API port)',
      });
    }
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
    }
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is required in production',
      });
    }
    if (env.NODE_ENV === 'production' && !env.AUDIT_SIGNING_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_SIGNING_KEY'],
        message: 'is required in production',
      });
    }
    // In production the API never migrates as the role it runs as (docs/database.md, "Roles").
    if (env.NODE_ENV === 'production' && !env.MIGRATION_DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['MIGRATION_DATABASE_URL'],
        message: 'is required in production (the owner role that runs migrations)',
      });
    }
    if (env.MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['MIGRATION_DATABASE_URL'],
        message: 'must come with DATABASE_URL (the application role)',
      });
    }
  });

export type Environment = z.infer<typeof environmentSchema>;

import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';

/** serialization_failure and deadlock_detected: the database undid the whole transaction. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);

export interface TransactionRetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first retry waits up to this long; each further one up to twice as long as the last. */
  baseDelayMs: number;
}

export const DEFAULT_TRANSACTION_RETRY: TransactionRetryPolicy = { attempts: 4, baseDelayMs: 20 };

/**
 * The SQLSTATE when PostgreSQL rolled the transaction back only because of another one running
 * beside it, otherwise undefined.
 */
export function retryableTransactionError(error: unknown): string | undefined {
  const code: unknown =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: unknown }).code
      : (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code) ? code : undefined;
}

/**
 * The TypeORM adapter of `@nestjs-cls/transactional`, retrying a transaction that PostgreSQL
 * aborted for a serialization failure or a deadlock. The retry wraps the outermost transaction —
 * the whole use case from its first statement — and never a statement inside it: after such an
 * error the transaction is already rolled back, so only running the use case again is correct.
 * Nested `withTransaction` calls join the outer one and are not retried on their own.
 *
 * Waits are "full jitter" (a random delay up to an exponentially growing cap) so that the
 * transactions that collided do not collide again in step. When the attempts run out the error
 * goes up unchanged and is answered 503 with Retry-After (see database-errors.ts).
 */
export class RetryingTransactionalAdapterTypeOrm extends TransactionalAdapterTypeOrm {
  constructor(
    options: ConstructorParameters<typeof TransactionalAdapterTypeOrm>[0],
    private readonly logger: Logger,
    private readonly policy: TransactionRetryPolicy = DEFAULT_TRANSACTION_RETRY,
  ) {
    super(options);
    const factory = this.optionsFactory;
    this.optionsFactory = (dataSource) => {
      const adapter = factory(dataSource);
      return {
        ...adapter,
        wrapWithTransaction: (txOptions, fn, setClient) =>
          this.retrying(() => adapter.wrapWithTransaction(txOptions, fn, setClient)),
      };
    };
  }

  private async retrying<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const code = retryableTransactionError(error);
        if (!code || attempt >= this.policy.attempts) throw error;
        this.logger.warn({ code, attempt }, 'transaction aborted by a concurrent one; retrying');
        await sleep(Math.random() * this.policy.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}

import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client, type ClientConfig, type Pool } from 'pg';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { loggableDatabaseError } from '../common/problem/database-errors';
import { APP_LOGGER } from '../config/config.module';

/** The channel revoking transactions notify; PostgreSQL delivers a NOTIFY only when it commits. */
export const REVOCATION_CHANNEL = 'auth_revocations';

/** Sessions remembered per process; the least recently used is forgotten beyond this. */
const MAX_ENTRIES = 10_000;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/** What an access token names: the staff member, their refresh-token family, and the version. */
export interface AccessSession {
  staffId: string;
  practiceId: string;
  sessionId: string;
  tokenVersion: number;
}

interface SessionState {
  staffId: string;
  tokenVersion: number;
  active: boolean;
  revoked: boolean;
}

/** `staff:<id>` ends every session of a staff member; `session:<family id>` ends one session. */
export const staffRevocation = (staffId: string): string => `staff:${staffId}`;
export const sessionRevocation = (sessionId: string): string => `session:${sessionId}`;

/**
 * Whether an access token's session is still current, answered from a per-process cache so the
 * warm path costs no database round trip. Every replica keeps the cache honest by LISTENing on a
 * dedicated connection: revocations NOTIFY inside their transaction. While that connection is down
 * (at start, after a loss) nothing is remembered and every request asks the database, so a stale
 * "valid" is never trusted; on reconnect the cache starts empty.
 */
@Injectable()
export class SessionRevocations implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private readonly entries = new Map<string, SessionState>();
  /** Raised by every invalidation: a lookup that raced one does not store what it read. */
  private generation = 0;
  private listener?: Client;
  private listening = false;
  private stopped = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'session-revocations' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.drop();
  }

  /** True while the session the token names is neither revoked nor outdated. */
  async isCurrent(session: AccessSession): Promise<boolean> {
    const key = `${session.staffId}:${session.sessionId}`;
    let state = this.listening ? this.entries.get(key) : undefined;
    if (state) {
      // Re-inserting keeps the Map in least-recently-used order for eviction.
      this.entries.delete(key);
      this.entries.set(key, state);
    } else {
      const generation = this.generation;
      state = await this.load(session);
      if (this.listening && generation === this.generation) this.remember(key, state);
    }
    return state.active && !state.revoked && state.tokenVersion === session.tokenVersion;
  }

  /**
   * Forgets what this process remembers about the revoked sessions, called after the revoking
   * transaction commits so the very next request here sees it without waiting for the NOTIFY.
   */
  forget(revocation: string): void {
    this.generation += 1;
    const [kind, id] = revocation.split(':');
    for (const [key, state] of this.entries) {
      if (kind === 'staff' ? state.staffId === id : key.endsWith(`:${id}`))
        this.entries.delete(key);
    }
  }

  private async load(session: AccessSession): Promise<SessionState> {
    const [row] = await this.dataSource.query<
      { token_version: number; active: boolean; revoked: boolean }[]
    >(
      `SELECT s.token_version, s.active,
              EXISTS (SELECT 1 FROM refresh_tokens t
                       WHERE t.practice_id = s.practice_id AND t.family_id = $3
                         AND t.revoked_at IS NOT NULL) AS revoked
         FROM staff s WHERE s.practice_id = $1 AND s.id = $2`,
      [session.practiceId, session.staffId, session.sessionId],
    );
    if (!row) return { staffId: session.staffId, tokenVersion: 0, active: false, revoked: true };
    return {
      staffId: session.staffId,
      tokenVersion: row.token_version,
      active: row.active,
      revoked: row.revoked,
    };
  }

  private remember(key: string, state: SessionState): void {
    this.entries.set(key, state);
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool & {
      options: ClientConfig;
    };
    const client = new Client({ ...pool.options, application_name: 'family-therapy-listen' });
    this.listener = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.payload) this.forget(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      this.flush();
      this.listening = true;
      this.reconnectDelay = RECONNECT_MIN_MS;
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: Client, error?: Error): void {
    if (client !== this.listener) return;
    void this.drop();
    if (this.stopped) return;
    if (error) {
      const err = loggableDatabaseError(error) ?? { code: (error as NodeJS.ErrnoException).code };
      this.log.warn({ err }, 'revocation listener lost; checking sessions in the database');
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }

  /** Stops trusting the cache and closes the listening connection. */
  private async drop(): Promise<void> {
    this.listening = false;
    this.flush();
    const client = this.listener;
    this.listener = undefined;
    client?.removeAllListeners('notification');
    client?.on('error', () => undefined);
    await client?.end().catch(() => undefined);
  }

  private flush(): void {
    this.generation += 1;
    this.entries.clear();
  }
}

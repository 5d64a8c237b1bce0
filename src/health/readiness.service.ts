import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { AuditSealLag, type SealLag } from '../audit/audit-seal-lag';
import { ServiceUnavailableProblem } from '../common/problem/problem';
import { ShutdownState } from './shutdown-state';

/** What operators see of readiness: states and counts, never a host, a user or a record. */
export interface ReadinessDetails {
  status: 'ok';
  version: string;
  database: { status: 'ok'; latencyMs: number };
  migrations: { status: 'current'; applied: number; latest: string | null };
  auditSealer: SealLag;
}

const EXPECTED_MIGRATIONS = migrations.map((migration) => migration.name);

/**
 * Readiness: not draining, the database answers and holds every migration this build expects.
 * A database that is ahead (a newer replica migrated it during a rolling deployment) is ready:
 * migrations only ever add what older code can ignore.
 */
@Injectable()
export class ReadinessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly shutdown: ShutdownState,
    private readonly sealLag: AuditSealLag,
  ) {}

  /** Throws a 503 problem when not ready; the details are computed only when asked for. */
  async check(version: string, withDetails: boolean): Promise<ReadinessDetails | undefined> {
    if (this.shutdown.isDraining) {
      throw new ServiceUnavailableProblem('The API is shutting down.', 1);
    }
    const started = performance.now();
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT name FROM schema_migrations ORDER BY timestamp`,
    );
    const latencyMs = Math.round(performance.now() - started);
    const applied = new Set(rows.map((row) => row.name));
    const pending = EXPECTED_MIGRATIONS.filter((name) => !applied.has(name));
    if (pending.length > 0) {
      // Counts only: migration names would tell the public which build runs.
      throw new ServiceUnavailableProblem(
        `The database lacks ${pending.length} migration(s) this build needs.`,
        30,
      );
    }
    if (!withDetails) return undefined;
    return {
      status: 'ok',
      version,
      database: { status: 'ok', latencyMs },
      migrations: { status: 'current', applied: applied.size, latest: rows.at(-1)?.name ?? null },
      auditSealer: await this.sealLag.measure(),
    };
  }
}

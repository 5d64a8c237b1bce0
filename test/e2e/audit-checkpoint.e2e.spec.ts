import { createHash, createPublicKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  checkChainAgainstCheckpoint,
  checkpointSignatureValid,
  type AuditCheckpoint,
  type QueryRows,
} from '../../src/audit/audit-checkpoint';
import { AuditCheckpointScheduler } from '../../src/audit/audit-checkpoint-scheduler';
import { AuditCheckpointService } from '../../src/audit/audit-checkpoint.service';
import { createLogger } from '../../src/common/logging/logger';
import { AppConfig } from '../../src/config/app-config';
import { AuditVerifier } from '../../src/audit/audit-verifier';
import { createPractice, createStaff, type TestStaff } from '../factories/staff.factory';
import { bearer, loginAs } from '../setup/auth';
import { adminTransaction } from '../setup/database-roles';
import { startTestApp, type TestApp } from '../setup/test-app';
import { isolatedDatabaseUrl } from '../setup/test-database';

const rows =
  (db: DataSource): QueryRows =>
  <T>(sql: string, params: unknown[]) =>
    db.query<T[]>(sql, params);

describe('audit chain checkpoints', () => {
  let testApp: TestApp;

  // Tampering needs DDL (disabling the append-only triggers): on a database of its own.
  beforeAll(async () => {
    testApp = await startTestApp({ databaseUrl: await isolatedDatabaseUrl('audit_checkpoint') });
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.app.getHttpServer());

  /** A practice whose admin has signed in (so its chain has events) and the admin's header. */
  async function practiceWithAdmin(): Promise<{ admin: TestStaff; auth: string }> {
    const practice = await createPractice(testApp.dataSource);
    const admin = await createStaff(testApp.dataSource, { practiceId: practice.id, role: 'admin' });
    const auth = bearer(await loginAs(testApp.app, admin));
    await http().get('/api/v1/audit-events').set('Authorization', auth).expect(200);
    return { admin, auth };
  }

  /**
   * A checkpoint covering at least the sign-in and the listing. The sealer links only events below
   * the cluster-wide snapshot horizon, which another worker's open transaction can hold back for a
   * moment: take it again until both are in, as an operator's next scheduled copy would.
   */
  let checkpointsServed = 0;
  const takeCheckpoint = async (auth: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const checkpoint = (
        await http().get('/api/v1/audit-events/checkpoint').set('Authorization', auth).expect(200)
      ).body as AuditCheckpoint & { publicKey: string };
      checkpointsServed += 1;
      if (checkpoint.seq >= 2 || Date.now() > deadline) return checkpoint;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it("signs the practice's chain head so that the published public key verifies it", async () => {
    const { admin, auth } = await practiceWithAdmin();

    const checkpoint = await takeCheckpoint(auth);
    const key = (
      await http().get('/api/v1/audit-events/signing-key').set('Authorization', auth).expect(200)
    ).body as { algorithm: string; keyId: string; publicKey: string };

    expect(checkpoint).toMatchObject({ type: 'audit-checkpoint/v1', practiceId: admin.practiceId });
    expect(checkpoint.seq).toBeGreaterThanOrEqual(2);
    expect(key.algorithm).toBe('Ed25519');
    expect(key.keyId).toBe(
      createHash('sha256')
        .update(createPublicKey(key.publicKey).export({ type: 'spki', format: 'der' }))
        .digest('hex'),
    );
    expect(checkpoint.keyId).toBe(key.keyId);
    expect(checkpointSignatureValid(checkpoint, key.publicKey)).toBe(true);
    expect(await checkChainAgainstCheckpoint(rows(testApp.dataSource), checkpoint)).toEqual({
      ok: true,
      linksChecked: checkpoint.seq,
    });
    const [link] = await testApp.dataSource.query<{ link_hash: Buffer }[]>(
      `SELECT link_hash FROM audit_chain_links WHERE practice_id = $1 AND seq = $2`,
      [admin.practiceId, checkpoint.seq],
    );
    expect(link!.link_hash.toString('hex')).toBe(checkpoint.headHash);
  });

  it('verifies with the documented openssl one-liner', async () => {
    const { auth } = await practiceWithAdmin();
    const checkpoint = await takeCheckpoint(auth);
    const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(checkpoint));
    writeFileSync(join(dir, 'key.pem'), checkpoint.publicKey);
    const script = `
      jq -cjS '{checkpointAt,headHash,keyId,practiceId,seq,type}' checkpoint.json > payload.bin
      jq -r .signature checkpoint.json | base64 -d > signature.bin
      openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in payload.bin -sigfile signature.bin`;
    expect(execFileSync('bash', ['-ec', script], { cwd: dir, encoding: 'utf8' })).toContain(
      'Signature Verified Successfully',
    );
  });

  it('refuses a checkpoint whose seq or head was edited after signing', async () => {
    const { auth } = await practiceWithAdmin();
    const checkpoint = await takeCheckpoint(auth);

    expect(checkpointSignatureValid({ ...checkpoint, seq: 1 }, checkpoint.publicKey)).toBe(false);
    expect(
      checkpointSignatureValid({ ...checkpoint, headHash: '00'.repeat(32) }, checkpoint.publicKey),
    ).toBe(false);
  });

  it('detects a tail rewritten as the database superuser against a checkpoint taken before', async () => {
    const { admin, auth } = await practiceWithAdmin();
    const checkpoint = await takeCheckpoint(auth);

    // The attacker alters the last event and recomputes its link, so the chain stays consistent.
    await adminTransaction(testApp.dataSource, async (sql) => {
      await sql(`ALTER TABLE audit_events DISABLE TRIGGER tg_audit_events_append_only`);
      await sql(
        `UPDATE audit_events SET changed_fields = '{diagnosis}'
          WHERE id = (SELECT event_id FROM audit_chain_links WHERE practice_id = $1 AND seq = $2)`,
        [admin.practiceId, checkpoint.seq],
      );
      await sql(`ALTER TABLE audit_events ENABLE TRIGGER tg_audit_events_append_only`);
      await sql(`ALTER TABLE audit_chain_links DISABLE TRIGGER tg_audit_chain_links_append_only`);
      await sql(
        `UPDATE audit_chain_links l
            SET event_hash = audit_event_digest(e), link_hash = sha256(l.prev_hash || audit_event_digest(e))
           FROM audit_events e
          WHERE e.practice_id = l.practice_id AND e.id = l.event_id AND l.practice_id = $1 AND l.seq = $2`,
        [admin.practiceId, checkpoint.seq],
      );
      await sql(`ALTER TABLE audit_chain_links ENABLE TRIGGER tg_audit_chain_links_append_only`);
    });

    // A walk of the chain alone finds nothing wrong: only the copy kept elsewhere shows it.
    expect((await testApp.app.get(AuditVerifier).verify(admin.practiceId)).ok).toBe(true);
    expect(checkpointSignatureValid(checkpoint, checkpoint.publicKey)).toBe(true);
    expect(await checkChainAgainstCheckpoint(rows(testApp.dataSource), checkpoint)).toMatchObject({
      ok: false,
      reason: 'head-rewritten',
    });
  });

  it('detects an event altered behind the trigger below the checkpoint', async () => {
    const { admin, auth } = await practiceWithAdmin();
    const checkpoint = await takeCheckpoint(auth);
    await adminTransaction(testApp.dataSource, async (sql) => {
      await sql(`ALTER TABLE audit_events DISABLE TRIGGER tg_audit_events_append_only`);
      await sql(
        `UPDATE audit_events SET changed_fields = '{diagnosis}'
          WHERE id = (SELECT event_id FROM audit_chain_links WHERE practice_id = $1 AND seq = 1)`,
        [admin.practiceId],
      );
      await sql(`ALTER TABLE audit_events ENABLE TRIGGER tg_audit_events_append_only`);
    });

    expect(await checkChainAgainstCheckpoint(rows(testApp.dataSource), checkpoint)).toMatchObject({
      ok: false,
      reason: 'chain-broken',
    });
  });

  it('records who took a checkpoint', async () => {
    const { admin, auth } = await practiceWithAdmin();
    const served = checkpointsServed;
    const checkpoint = await takeCheckpoint(auth);

    const events = await testApp.dataSource.query<{ actor_id: string; metadata: unknown }[]>(
      `SELECT actor_id, metadata FROM audit_events
        WHERE practice_id = $1 AND action = 'read' AND resource_type = 'audit_checkpoint'
        ORDER BY occurred_at, id`,
      [admin.practiceId],
    );
    // One event per checkpoint served (takeCheckpoint asks again while another worker's open
    // transaction holds the sealer back), each by the admin; the last names the one returned.
    expect(events).toHaveLength(checkpointsServed - served);
    expect(events.map((event) => event.actor_id)).toEqual(events.map(() => admin.id));
    expect(events.at(-1)).toEqual({
      actor_id: admin.id,
      metadata: { seq: checkpoint.seq, keyId: checkpoint.keyId },
    });
  });

  it('signs every chain head for the periodic log line', async () => {
    const { admin, auth } = await practiceWithAdmin();
    const taken = await takeCheckpoint(auth);

    const heads = await testApp.app.get(AuditCheckpointService).allHeads();

    const mine = heads.find((head) => head.practiceId === admin.practiceId);
    expect(mine).toMatchObject({ seq: taken.seq, headHash: taken.headHash });
    expect(checkpointSignatureValid(mine!, taken.publicKey)).toBe(true);
  });

  it('logs each chain head as a JSON line of ids, counter, hashes and signature', async () => {
    const { admin, auth } = await practiceWithAdmin();
    const taken = await takeCheckpoint(auth);
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    const scheduler = new AuditCheckpointScheduler(
      testApp.app.get(AuditCheckpointService),
      testApp.app.get(AppConfig),
      logger,
    );

    const logged = await scheduler.logCheckpoints();

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toHaveLength(logged);
    const mine = entries.find(
      (entry) => (entry.auditCheckpoint as AuditCheckpoint).practiceId === admin.practiceId,
    );
    expect(mine).toMatchObject({ msg: 'audit checkpoint', component: 'audit-checkpoint' });
    const checkpoint = mine!.auditCheckpoint as AuditCheckpoint;
    expect(Object.keys(checkpoint).sort()).toEqual(
      ['checkpointAt', 'headHash', 'keyId', 'practiceId', 'seq', 'signature', 'type'].sort(),
    );
    expect(checkpoint).toMatchObject({ seq: taken.seq, headHash: taken.headHash });
    expect(checkpointSignatureValid(checkpoint, taken.publicKey)).toBe(true);
  });

  describe('access', () => {
    const paths = ['/api/v1/audit-events/checkpoint', '/api/v1/audit-events/signing-key'];

    it('answers 401 without a token', async () => {
      for (const path of paths) {
        const response = await http().get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 401 });
      }
    });

    it('answers 403 to a counselor', async () => {
      const { admin } = await practiceWithAdmin();
      const counselor = await createStaff(testApp.dataSource, {
        practiceId: admin.practiceId,
        role: 'counselor',
      });
      const auth = bearer(await loginAs(testApp.app, counselor));
      for (const path of paths) {
        const response = await http().get(path).set('Authorization', auth);
        expect({ path, status: response.status }).toEqual({ path, status: 403 });
      }
    });
  });
});

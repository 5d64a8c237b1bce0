import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Caller } from '../common/actor/actor';
import { AppConfig } from '../config/app-config';
import { keyIdOf, publicKeyPem, signCheckpoint, type AuditCheckpoint } from './audit-checkpoint';
import { AuditSealer } from './audit-sealer';
import { AuditService } from './audit.service';

export interface SigningKeyView {
  algorithm: 'Ed25519';
  keyId: string;
  publicKey: string;
}

/** Signed checkpoints of chain heads, for a copy kept outside the database. */
@Injectable()
export class AuditCheckpointService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** Links what can be linked, then signs the head of the caller's practice's chain. */
  async checkpoint(actor: Caller): Promise<AuditCheckpoint & { publicKey: string }> {
    await this.sealer.seal(actor.practiceId, { wait: true });
    const head = await this.sealer.head(actor.practiceId);
    const checkpoint = signCheckpoint(
      { practiceId: actor.practiceId, seq: head?.seq ?? 0, linkHash: head?.linkHash ?? null },
      this.config.auditSigningKey,
    );
    await this.audit.record({
      action: 'read',
      resourceType: 'audit_checkpoint',
      actor,
      metadata: { seq: checkpoint.seq, keyId: checkpoint.keyId },
    });
    return { ...checkpoint, publicKey: publicKeyPem(this.config.auditSigningKey) };
  }

  signingKey(): SigningKeyView {
    return {
      algorithm: 'Ed25519',
      keyId: keyIdOf(this.config.auditSigningKey),
      publicKey: publicKeyPem(this.config.auditSigningKey),
    };
  }

  /**
   * Signed heads of every practice's chain (the platform practice's is the platform chain) as
   * linked now, one index probe per chain.
   */
  async allHeads(): Promise<AuditCheckpoint[]> {
    const rows = await this.dataSource.query<
      { chain_id: string; seq: string | null; link_hash: Buffer | null }[]
    >(
      `SELECT c.id AS chain_id, last.seq::text AS seq, last.link_hash
         FROM practices c
         LEFT JOIN LATERAL (
           SELECT l.seq, l.link_hash FROM audit_chain_links l
            WHERE l.practice_id = c.id ORDER BY l.seq DESC LIMIT 1) AS last ON true
        ORDER BY c.id`,
    );
    const at = new Date();
    return rows.map((row) =>
      signCheckpoint(
        { practiceId: row.chain_id, seq: Number(row.seq ?? 0), linkHash: row.link_hash },
        this.config.auditSigningKey,
        at,
      ),
    );
  }
}

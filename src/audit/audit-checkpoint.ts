import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { GENESIS_HASH } from './audit-chain';

export const CHECKPOINT_TYPE = 'audit-checkpoint/v1';

/** The signed part of a checkpoint: a chain's head at a moment, and the key that vouches for it. */
export interface CheckpointClaims {
  practiceId: string;
  /** Number of links in the chain (0: nothing linked yet). */
  seq: number;
  /** Hex `link_hash` of link `seq` (32 zero bytes when `seq` is 0). */
  headHash: string;
  checkpointAt: string;
  keyId: string;
}

export interface AuditCheckpoint extends CheckpointClaims {
  type: typeof CHECKPOINT_TYPE;
  /** Base64 Ed25519 signature of {@link checkpointPayload}. */
  signature: string;
}

/**
 * The bytes that are signed: the claims and the type as JSON with keys sorted and no whitespace,
 * which `jq -cjS '{checkpointAt,headHash,keyId,practiceId,seq,type}'` reproduces from a saved
 * checkpoint.
 */
export function checkpointPayload(claims: CheckpointClaims): Buffer {
  const { checkpointAt, headHash, keyId, practiceId, seq } = claims;
  return Buffer.from(
    JSON.stringify({ checkpointAt, headHash, keyId, practiceId, seq, type: CHECKPOINT_TYPE }),
    'utf8',
  );
}

/** Key id: the hex SHA-256 fingerprint of the public key's DER (SPKI) encoding. */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function publicKeyPem(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

export function signCheckpoint(
  head: { practiceId: string; seq: number; linkHash: Buffer | null },
  privateKey: KeyObject,
  at: Date = new Date(),
): AuditCheckpoint {
  const claims: CheckpointClaims = {
    practiceId: head.practiceId,
    seq: head.seq,
    headHash: (head.linkHash ?? GENESIS_HASH).toString('hex'),
    checkpointAt: at.toISOString(),
    keyId: keyIdOf(privateKey),
  };
  const signature = sign(null, checkpointPayload(claims), privateKey).toString('base64');
  return { type: CHECKPOINT_TYPE, ...claims, signature };
}

/** True when the checkpoint was signed by `publicKey` (PEM or key) and names that key. */
export function checkpointSignatureValid(
  checkpoint: AuditCheckpoint,
  publicKey: KeyObject | string,
): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (key.asymmetricKeyType !== 'ed25519' || checkpoint.keyId !== keyIdOf(key)) return false;
  if (checkpoint.type !== CHECKPOINT_TYPE || !Number.isSafeInteger(checkpoint.seq)) return false;
  return verify(
    null,
    checkpointPayload(checkpoint),
    key,
    Buffer.from(checkpoint.signature, 'base64'),
  );
}

/** Runs one parameterised statement (a pg client, a TypeORM data source). */
export type QueryRows = <T>(sql: string, params: unknown[]) => Promise<T[]>;

export type ChainCheck =
  | { ok: true; linksChecked: number }
  | { ok: false; reason: 'head-missing' | 'head-rewritten' | 'chain-broken'; detail: string };

/**
 * Whether the chain in the database still holds the checkpoint's head at its seq, and every link
 * up to it still hashes from its predecessor and from an unaltered event. A rewritten tail (events
 * changed and links recomputed, which passes a plain chain walk) changes the link at `seq`.
 */
export async function checkChainAgainstCheckpoint(
  query: QueryRows,
  checkpoint: CheckpointClaims,
): Promise<ChainCheck> {
  if (checkpoint.seq === 0) return { ok: true, linksChecked: 0 };
  const [head] = await query<{ link_hash: Buffer }>(
    `SELECT link_hash FROM audit_chain_links WHERE practice_id = $1::uuid AND seq = $2`,
    [checkpoint.practiceId, checkpoint.seq],
  );
  if (!head) {
    return { ok: false, reason: 'head-missing', detail: `no link ${checkpoint.seq} any more` };
  }
  if (head.link_hash.toString('hex') !== checkpoint.headHash) {
    return {
      ok: false,
      reason: 'head-rewritten',
      detail: `link ${checkpoint.seq} now hashes to ${head.link_hash.toString('hex')}`,
    };
  }
  const [walk] = await query<{ links: number; first_broken: string | null }>(
    `SELECT count(*)::int AS links, min(seq) FILTER (WHERE NOT intact)::text AS first_broken
       FROM (SELECT l.seq,
                    l.seq = row_number() OVER w
                    AND l.prev_hash = COALESCE(lag(l.link_hash) OVER w, $3::bytea)
                    AND sha256(l.prev_hash || l.event_hash) = l.link_hash
                    AND COALESCE(e.id IS NOT NULL
                                 AND audit_event_digest(e) = l.event_hash, false) AS intact
               FROM audit_chain_links l
               LEFT JOIN audit_events e ON e.practice_id = l.practice_id AND e.id = l.event_id
              WHERE l.practice_id = $1::uuid AND l.seq <= $2
             WINDOW w AS (ORDER BY l.seq)) AS links`,
    [checkpoint.practiceId, checkpoint.seq, GENESIS_HASH],
  );
  if (!walk || walk.links !== checkpoint.seq || walk.first_broken !== null) {
    return {
      ok: false,
      reason: 'chain-broken',
      detail: `link ${walk?.first_broken ?? '?'} does not hold (${walk?.links ?? 0} links found)`,
    };
  }
  return { ok: true, linksChecked: walk.links };
}

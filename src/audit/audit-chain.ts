import { createHash } from 'node:crypto';
import { PLATFORM_PRACTICE_ID } from '../practices/platform-practice';

/**
 * Chain of the events that belong to no practice (e.g. a failed login for an unknown email): the
 * chain of the reserved platform practice those events are recorded under.
 */
export const PLATFORM_CHAIN_ID = PLATFORM_PRACTICE_ID;

/** The `prev_hash` of the first link of every chain. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** First key of the two-key advisory lock that serialises the sealing of one chain. */
export const SEAL_LOCK_CLASS = 74_126_632;

/** The chain an event belongs to: its practice, or the platform chain (no practice). */
export function chainIdOf(practiceId: string | null): string {
  return practiceId ?? PLATFORM_CHAIN_ID;
}

/** `link_hash = sha256(prev_hash || event_hash)`: what makes the links a chain. */
export function linkHash(prevHash: Buffer, eventHash: Buffer): Buffer {
  return createHash('sha256').update(prevHash).update(eventHash).digest();
}

/**
 * SQL condition selecting the events of a chain (alias `e`), the chain id being the parameter
 * `param`: a chain is its practice's events (`ix_audit_events_practice_tx`).
 */
export function eventsOfChain(param: string): string {
  return `e.practice_id = ${param}::uuid`;
}

/** Position of an event in its chain: links follow `(tx_id, id)` order. */
export interface ChainPosition {
  txId: string;
  eventId: string;
}

/** Orders positions as PostgreSQL orders `(tx_id, id)` (xid8 numerically, uuid bytewise). */
export function comparePositions(a: ChainPosition, b: ChainPosition): number {
  const ta = BigInt(a.txId);
  const tb = BigInt(b.txId);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

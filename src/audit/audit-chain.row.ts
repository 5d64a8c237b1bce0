/** A link of the chain with what the verifier recomputes about it in SQL. */
export interface LinkRow {
  seq: string;
  event_id: string;
  event_tx_id: string;
  prev_hash: Buffer;
  link_hash: Buffer;
  /** sha256(prev_hash || event_hash) = link_hash */
  link_intact: boolean;
  /** The event exists, belongs to this chain and still hashes to event_hash. */
  event_intact: boolean;
}

/** The sealing horizon and the chain's last link, if any. */
export interface LastLinkRow {
  horizon: string;
  seq: string | null;
  event_tx_id: string | null;
  event_id: string | null;
  link_hash: Buffer | null;
}

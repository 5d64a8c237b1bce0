import { createHash, randomBytes } from 'node:crypto';

/** Every key starts so, so that a leak scanner (or a person) recognises one in a log or a repository. */
export const API_KEY_PREFIX = 'ftk_live_';
/** The prefix and 32 random bytes in base64url, unpadded. */
export const API_KEY_FORMAT = /^ftk_live_[A-Za-z0-9_-]{43}$/;
/** How much of a key is kept in the clear, for telling an admin's keys apart. */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 4;

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * A key is 256 random bits, so a plain SHA-256 is enough to keep it unusable if the table leaks (no
 * dictionary to guess from), and it can be looked up by its hash on every request.
 */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function shownPrefix(key: string): string {
  return key.slice(0, SHOWN_LENGTH);
}

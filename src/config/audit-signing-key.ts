import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Ed25519 key that signs audit checkpoints: `AUDIT_SIGNING_KEY` (a PKCS#8 PEM, or its base64
 * DER body), or outside production one generated once into the data folder, the way the JWT secret
 * is, so that checkpoints taken before a restart still verify after it.
 */
export function loadAuditSigningKey(
  value: string | undefined,
  dataDir: string,
): KeyObject | { problem: string } {
  if (value !== undefined) return parseSigningKey(value);
  const file = join(dataDir, 'audit-signing-key');
  if (existsSync(file)) return parseSigningKey(readFileSync(file, 'utf8'), file);
  mkdirSync(dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  chmodSync(file, 0o600);
  return privateKey;
}

function parseSigningKey(
  text: string,
  source = 'AUDIT_SIGNING_KEY',
): KeyObject | { problem: string } {
  let key: KeyObject;
  try {
    const trimmed = text.trim();
    key = trimmed.startsWith('-----BEGIN')
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    // The value is a secret: say what is wrong with it, never echo it.
    return { problem: `${source} must be an Ed25519 private key (PKCS#8 PEM or base64)` };
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    return { problem: `${source} must be an Ed25519 private key` };
  }
  return key;
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';

/** OWASP's argon2id baseline: 19 MiB, two passes, one lane (about 20-40 ms here). */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  // Verified against when the email is unknown, so both failures cost the same time.
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.dummyHash = await argon2.hash('not-a-real-password-but-costs-the-same', OPTIONS);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  /** Always spends one verification, whether or not there is a real hash to check against. */
  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    try {
      const ok = await argon2.verify(hash ?? this.dummyHash, password);
      return ok && Boolean(hash);
    } catch {
      return false;
    }
  }
}

/** Standalone hashing for the seed and operator commands (no Nest container). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

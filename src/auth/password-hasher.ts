import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, two passes, one lane (about 20-40 ms here). Argon2id is the
// library's default algorithm (its enum is a const enum, which isolated compilers cannot inline).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  // Verified against when the email is unknown, so both failures cost the same time.
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hashPassword('not-a-real-password-but-costs-the-same');
  }

  hash(password: string): Promise<string> {
    return hashPassword(password);
  }

  /** Always spends one verification, whether or not there is a real hash to check against. */
  async verify(hashed: string | null | undefined, password: string): Promise<boolean> {
    try {
      const ok = await verify(hashed ?? this.dummyHash, password);
      return ok && Boolean(hashed);
    } catch {
      return false;
    }
  }
}

/** Standalone hashing for the seed and operator commands (no Nest container). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

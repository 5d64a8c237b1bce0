import { ApiProperty } from '@nestjs/swagger';
import type { AuditCheckpoint } from '../audit-checkpoint';
import type { SigningKeyView } from '../audit-checkpoint.service';

/** A signed chain head (OpenAPI schema of {@link AuditCheckpoint}). */
export class AuditCheckpointDto implements AuditCheckpoint {
  @ApiProperty({ enum: ['audit-checkpoint/v1'] })
  type!: 'audit-checkpoint/v1';

  @ApiProperty({ format: 'uuid' })
  practiceId!: string;

  @ApiProperty({ description: 'Links in the chain at the checkpoint (0: none yet)', example: 1204 })
  seq!: number;

  @ApiProperty({ description: 'Hex SHA-256 link hash of link `seq`', example: 'a3f1…' })
  headHash!: string;

  @ApiProperty({ format: 'date-time' })
  checkpointAt!: string;

  @ApiProperty({ description: 'Hex SHA-256 fingerprint of the public key (DER, SPKI)' })
  keyId!: string;

  @ApiProperty({
    description:
      'Base64 Ed25519 signature of the JSON of checkpointAt, headHash, keyId, practiceId, seq and ' +
      'type, keys sorted, no whitespace',
  })
  signature!: string;

  @ApiProperty({
    description: 'The public key (SPKI PEM), for convenience: verify with a copy kept apart',
  })
  publicKey!: string;
}

export class AuditSigningKeyDto implements SigningKeyView {
  @ApiProperty({ enum: ['Ed25519'] })
  algorithm!: 'Ed25519';

  @ApiProperty({ description: 'Hex SHA-256 fingerprint of the public key (DER, SPKI)' })
  keyId!: string;

  @ApiProperty({ description: 'SPKI PEM' })
  publicKey!: string;
}

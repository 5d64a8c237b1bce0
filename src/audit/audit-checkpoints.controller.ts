import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../common/actor/actor';
import { CurrentCaller, Roles, Scope } from '../common/actor/decorators';
import { AUDIT_READ_NOTE } from './audit-events.controller';
import type { AuditCheckpoint } from './audit-checkpoint';
import { AuditCheckpointService, type SigningKeyView } from './audit-checkpoint.service';
import { AuditCheckpointDto, AuditSigningKeyDto } from './dto/audit-checkpoint.dto';

/** Signed heads of the practice's audit chain, to keep a copy outside the database. */
@ApiTags('audit')
@ApiBearerAuth('bearer')
@Roles('admin')
@Scope('audit:read')
@Controller('audit-events')
export class AuditCheckpointsController {
  constructor(private readonly checkpoints: AuditCheckpointService) {}

  @Get('checkpoint')
  @ApiOperation({
    operationId: 'getAuditCheckpoint',
    summary: "A signed checkpoint of the practice's audit chain head",
    description:
      'Links pending events first, then signs `{practiceId, seq, headHash, checkpointAt, keyId}` ' +
      'with the Ed25519 audit signing key. Kept elsewhere, it shows later whether the chain up to ' +
      '`seq` was rewritten (`npm run audit:verify-checkpoint`, see docs/audit-trail.md). ' +
      AUDIT_READ_NOTE,
  })
  @ApiOkResponse({ type: AuditCheckpointDto })
  checkpoint(@CurrentCaller() actor: Caller): Promise<AuditCheckpoint & { publicKey: string }> {
    return this.checkpoints.checkpoint(actor);
  }

  @Get('signing-key')
  @ApiOperation({
    operationId: 'getAuditSigningKey',
    summary: 'The public key that verifies audit checkpoints, and its id',
    description: AUDIT_READ_NOTE,
  })
  @ApiOkResponse({ type: AuditSigningKeyDto })
  signingKey(): SigningKeyView {
    return this.checkpoints.signingKey();
  }
}

import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Request } from 'express';
import type {
  IdempotencyScope,
  IdempotencyScopeResolver,
} from '../common/idempotency/idempotency.decorators';
import { IntakeInvitationsService } from './intake-invitations.service';

/**
 * A public submission has no account: its `Idempotency-Key` belongs to the link it is sent
 * through, whatever its state, so a retry after the link was spent replays the receipt instead of
 * answering 404. An unknown link has no scope and gets the route's own 404.
 */
@Injectable()
export class IntakeLinkIdempotencyScope implements IdempotencyScopeResolver {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async resolve(request: Request): Promise<IdempotencyScope | undefined> {
    const token = request.params.token;
    const hash = typeof token === 'string' ? IntakeInvitationsService.hashToken(token) : undefined;
    if (!hash) return undefined;
    const [link] = await this.txHost.tx.query<{ id: string; practice_id: string }[]>(
      `SELECT id, practice_id FROM intake_invitations WHERE token_hash = $1`,
      [hash],
    );
    return link && { practiceId: link.practice_id, ownerId: link.id };
  }
}

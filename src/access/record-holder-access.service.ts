import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../common/actor/actor';
import type { RecordHolder } from '../parties/record-holder';
import { CaseAccessService } from './case-access.service';
import type { AccessVia, ClientNeed } from './client-access';
import { ClientAccessService } from './client-access.service';

/**
 * Access to an agreement or a goal follows who holds it: a client's record is reached as that
 * client's chart is, a case's record as that case is. Both answers come from the one decision
 * (`decideClientAccess`) over the holder's facts; a denial is recorded and answered 404 there.
 */
@Injectable()
export class RecordHolderAccessService {
  constructor(
    private readonly clients: ClientAccessService,
    private readonly cases: CaseAccessService,
  ) {}

  async require(
    actor: StaffActor,
    holder: RecordHolder,
    need: ClientNeed,
    options: { forUpdate?: boolean } = {},
  ): Promise<AccessVia> {
    const grant =
      holder.kind === 'client'
        ? await this.clients.require(actor, holder.id, need, options)
        : await this.cases.require(actor, holder.id, need, options);
    return grant.via;
  }
}

import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RecordHolderAccessService } from '../access/record-holder-access.service';
import type { ClientNeed } from '../access/client-access';
import { AuditService } from '../audit/audit.service';
import type { StaffActor } from '../common/actor/actor';
import { CareTeamService } from '../clients/care-team.service';
import {
  etagOf,
  expectedVersion,
  PreconditionFailedProblem,
  type Versioned,
} from '../common/http/etag';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '../common/problem/problem';
import { providedFields } from '../common/validation/transforms';
import { partyIdOf, resolveParties, type PartyId } from '../parties/party';
import { holderAudit, holderSql, type RecordHolder } from '../parties/record-holder';
import { AGREEMENT_ERRORS } from './agreement-errors';
import {
  AgreementVersionView,
  AgreementView,
  BoundaryItemDto,
  CreateAgreementDto,
  UpdateAgreementDto,
} from './boundary-agreement.dto';
import {
  AGREEMENT_COLUMNS,
  toAckViews,
  toAgreementView,
  toItemViews,
  versionContent,
  type AgreementRow,
} from './agreement.row';

export type VersionedAgreement = Versioned<AgreementView>;

/**
 * Boundary agreements among parties of one client, or among persons of one family case. Terms live in versions: new terms are a new
 * version (the old one stays readable) and need every party's acknowledgment again.
 */
@Injectable()
export class BoundaryAgreementsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: RecordHolderAccessService,
    private readonly careTeam: CareTeamService,
    private readonly audit: AuditService,
  ) {}

  create(
    actor: StaffActor,
    holder: RecordHolder,
    dto: CreateAgreementDto,
  ): Promise<VersionedAgreement> {
    return this.txHost.withTransaction(async () => {
      await this.access.require(actor, holder, 'writeClinical', { forUpdate: true });
      const facilitatorId = dto.facilitatorId ?? actor.id;
      await this.careTeam.assertClinician(actor.practiceId, facilitatorId, 'facilitatorId');
      const parties = await resolveParties(
        this.txHost.tx,
        actor.practiceId,
        holder,
        dto.parties,
        'parties',
      );
      if (parties.length < 2) {
        throw new UnprocessableProblem(
          AGREEMENT_ERRORS.needsParties,
          'An agreement is between two or more different parties.',
          [{ field: 'parties', message: 'must name at least two different parties' }],
        );
      }
      const personal = holder.kind === 'case';
      const clientId = personal ? null : holder.id;
      const [created] = await this.txHost.tx.query<{ id: string }[]>(
        `INSERT INTO boundary_agreements (practice_id, client_id, case_id, title, facilitator_id, review_date, created_by)
         VALUES ($1, $2, $7, $3, $4, $5, $6) RETURNING id`,
        [
          actor.practiceId,
          clientId,
          dto.title.trim(),
          facilitatorId,
          dto.reviewDate ?? null,
          actor.id,
          personal ? holder.id : null,
        ],
      );
      const agreementId = created!.id;
      await this.txHost.tx.query(
        `INSERT INTO boundary_agreement_parties (practice_id, client_id, agreement_id, family_member_id, person_id)
         SELECT $1, $2, $3, CASE WHEN $5 THEN NULL ELSE party END, CASE WHEN $5 THEN party END
           FROM unnest($4::uuid[]) AS party`,
        [actor.practiceId, clientId, agreementId, parties, personal],
      );
      await this.insertVersion(actor, agreementId, 1, parties, dto.items ?? [], personal);
      await this.audit.record({
        action: 'create',
        resourceType: 'boundary_agreement',
        resourceId: agreementId,
        ...holderAudit(holder),
        changedFields: providedFields(dto),
      });
      return versioned(await this.load(actor.practiceId, holder, agreementId));
    });
  }

  async get(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
  ): Promise<VersionedAgreement> {
    await this.access.require(actor, holder, 'readClinical');
    const row = await this.load(actor.practiceId, holder, agreementId);
    await this.audit.record({
      action: 'read',
      resourceType: 'boundary_agreement',
      resourceId: agreementId,
      ...holderAudit(holder),
    });
    return versioned(row);
  }

  /** The agreements of a client, or of a case. */
  async listFor(actor: StaffActor, holder: RecordHolder): Promise<AgreementView[]> {
    await this.access.require(actor, holder, 'readClinical');
    const rows = await this.txHost.tx.query<AgreementRow[]>(
      `SELECT ${AGREEMENT_COLUMNS} FROM boundary_agreements a
        WHERE a.practice_id = $1 AND ${holderSql(holder, 'a', '$2')}
        ORDER BY a.created_at, a.id LIMIT 200`,
      [actor.practiceId, holder.id],
    );
    await this.audit.record({
      action: 'list',
      resourceType: 'boundary_agreement',
      ...holderAudit(holder, { count: rows.length }),
    });
    return rows.map(toAgreementView);
  }

  /**
   * Title and review date change in place. New items make a new version: acknowledgments start over
   * (they belong to the version), and an active agreement goes back under review until every party
   * has acknowledged the new terms.
   */
  update(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
    dto: UpdateAgreementDto,
    ifMatch?: string,
  ): Promise<VersionedAgreement> {
    return this.txHost.withTransaction(async () => {
      const current = await this.lockForWrite(actor, holder, agreementId);
      const expected = expectedVersion(ifMatch, agreementId, current.version) ?? current.version;
      if (current.status === 'retired') {
        throw new ConflictProblem(AGREEMENT_ERRORS.retired, 'A retired agreement cannot change.', {
          currentStatus: current.status,
        });
      }
      const newVersion = dto.items ? current.current_version + 1 : current.current_version;
      const status = dto.items && current.status === 'active' ? 'under_review' : current.status;
      const [[row]] = await this.txHost.tx.query<[{ id: string }[], number]>(
        `UPDATE boundary_agreements SET title = coalesce($4, title),
                review_date = CASE WHEN $5 THEN $6::date ELSE review_date END,
                current_version = $7, status = $8, version = version + 1, updated_at = now()
          WHERE practice_id = $1 AND id = $2 AND version = $3 RETURNING id`,
        [
          actor.practiceId,
          agreementId,
          expected,
          dto.title?.trim() ?? null,
          dto.reviewDate !== undefined,
          dto.reviewDate ?? null,
          newVersion,
          status,
        ],
      );
      if (!row) throw new PreconditionFailedProblem();
      if (dto.items) {
        const personal = current.client_id === null;
        await this.insertVersion(
          actor,
          agreementId,
          newVersion,
          current.parties,
          dto.items,
          personal,
        );
      }
      await this.audit.record({
        action: 'update',
        resourceType: 'boundary_agreement',
        resourceId: agreementId,
        changedFields: providedFields(dto),
        ...holderAudit(holder, dto.items ? { newVersion } : undefined),
      });
      return versioned(await this.load(actor.practiceId, holder, agreementId));
    });
  }

  async listVersions(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
  ): Promise<{ number: number; createdAt: string }[]> {
    await this.access.require(actor, holder, 'readClinical');
    await this.load(actor.practiceId, holder, agreementId);
    const rows = await this.txHost.tx.query<{ number: number; created_at: Date }[]>(
      `SELECT number, created_at FROM boundary_agreement_versions WHERE practice_id = $1 AND agreement_id = $2 ORDER BY number`,
      [actor.practiceId, agreementId],
    );
    await this.audit.record({
      action: 'list',
      resourceType: 'boundary_agreement_version',
      resourceId: agreementId,
      ...holderAudit(holder),
    });
    return rows.map((row) => ({ number: row.number, createdAt: row.created_at.toISOString() }));
  }

  async getVersion(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
    number: number,
  ): Promise<AgreementVersionView> {
    await this.access.require(actor, holder, 'readClinical');
    const [row] = await this.txHost.tx.query<
      (Pick<AgreementRow, 'items' | 'acknowledgments'> & { created_at: Date })[]
    >(
      `SELECT v.created_at, ${versionContent('v.number')}
         FROM boundary_agreement_versions v JOIN boundary_agreements a ON a.practice_id = v.practice_id AND a.id = v.agreement_id
        WHERE v.practice_id = $1 AND ${holderSql(holder, 'a', '$2')} AND v.agreement_id = $3 AND v.number = $4`,
      [actor.practiceId, holder.id, agreementId, number],
    );
    if (!row) throw new NotFoundProblem('The agreement version');
    await this.audit.record({
      action: 'read',
      resourceType: 'boundary_agreement_version',
      resourceId: agreementId,
      ...holderAudit(holder, { version: number }),
    });
    const byPerson = holder.kind === 'case';
    return {
      number,
      createdAt: row.created_at.toISOString(),
      items: toItemViews(row.items, byPerson),
      acknowledgments: toAckViews(row.acknowledgments, byPerson),
    };
  }

  /** Checks write access and locks the agreement row for the rest of the transaction. */
  async lockForWrite(
    actor: StaffActor,
    holder: RecordHolder,
    agreementId: string,
    need: ClientNeed = 'writeClinical',
  ): Promise<AgreementRow> {
    await this.access.require(actor, holder, need);
    await this.txHost.tx.query(
      `SELECT 1 FROM boundary_agreements a
        WHERE a.practice_id = $1 AND ${holderSql(holder, 'a', '$2')} AND a.id = $3 FOR UPDATE`,
      [actor.practiceId, holder.id, agreementId],
    );
    return this.load(actor.practiceId, holder, agreementId);
  }

  async load(practiceId: string, holder: RecordHolder, agreementId: string): Promise<AgreementRow> {
    const [row] = await this.txHost.tx.query<AgreementRow[]>(
      `SELECT ${AGREEMENT_COLUMNS} FROM boundary_agreements a
        WHERE a.practice_id = $1 AND ${holderSql(holder, 'a', '$2')} AND a.id = $3`,
      [practiceId, holder.id, agreementId],
    );
    if (!row) throw new NotFoundProblem('The boundary agreement');
    return row;
  }

  private async insertVersion(
    actor: StaffActor,
    agreementId: string,
    number: number,
    parties: PartyId[],
    items: BoundaryItemDto[],
    personal: boolean,
  ): Promise<void> {
    const setters = this.settersOf(parties, items);
    await this.txHost.tx.query(
      `INSERT INTO boundary_agreement_versions (practice_id, agreement_id, number, created_by) VALUES ($1, $2, $3, $4)`,
      [actor.practiceId, agreementId, number, actor.id],
    );
    if (items.length === 0) return;
    await this.txHost.tx.query(
      `INSERT INTO boundary_items (practice_id, agreement_id, version_number, position, category, set_by_family_member_id,
                                   set_by_person_id, boundary, expectation, response_if_crossed)
       SELECT $1, $2, $3, t.position, t.category, CASE WHEN $10 THEN NULL ELSE t.set_by END,
              CASE WHEN $10 THEN t.set_by END, t.boundary, t.expectation, t.response
         FROM unnest($4::int[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[])
           AS t(position, category, set_by, boundary, expectation, response)`,
      [
        actor.practiceId,
        agreementId,
        number,
        items.map((_, index) => index + 1),
        items.map((item) => item.category),
        setters,
        items.map((item) => item.boundary.trim()),
        items.map((item) => item.expectation.trim()),
        items.map((item) => item.responseIfCrossed.trim()),
        personal,
      ],
    );
  }

  /** Each item is set by one of the agreement's parties. */
  private settersOf(parties: PartyId[], items: BoundaryItemDto[]): PartyId[] {
    const allowed = new Set(parties.map((party) => party ?? 'client'));
    const setters = items.map((item) => partyIdOf(item.setBy));
    const wrong = setters
      .map((setter, index) => ({ setter, index }))
      .filter(({ setter }) => !allowed.has(setter ?? 'client'));
    if (wrong.length > 0) {
      throw new UnprocessableProblem(
        AGREEMENT_ERRORS.setterNotAParty,
        'Each boundary is set by one of the agreement’s parties.',
        wrong.map(({ index }) => ({
          field: `items[${index}].setBy`,
          message: 'is not a party of this agreement',
        })),
      );
    }
    return setters;
  }
}

export function versioned(row: AgreementRow): VersionedAgreement {
  return { view: toAgreementView(row), etag: etagOf(row.id, row.version) };
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { UnprocessableProblem, type FieldError } from '../common/problem/problem';
import { PARTY_ERRORS } from './party-errors';
import { clientHolder, type RecordHolder } from './record-holder';

const PARTY_KINDS = ['client', 'family_member', 'person'] as const;
type PartyKind = (typeof PARTY_KINDS)[number];

/**
 * A party of an agreement, a goal or one of their records. For a client's record: the client, or
 * one of that client's family members (another client's family is never one). For a record a
 * case holds: a person of that case (`personId`), whether client, family member or support person.
 */
export class PartyDto {
  @ApiProperty({
    enum: PARTY_KINDS,
    description: '`client` and `family_member` for a client’s records; `person` for a case’s',
  })
  @IsIn(PARTY_KINDS)
  party!: PartyKind;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for a family member: one of this client’s',
  })
  @IsOptional()
  @IsUUID()
  familyMemberId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for a person: a person of the case (its members’ `personId`)',
  })
  @IsOptional()
  @IsUUID()
  personId?: string;
}

export class PartyView {
  @ApiProperty({ enum: PARTY_KINDS }) party!: PartyKind;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) familyMemberId!:
    string | null;
  @ApiPropertyOptional({ format: 'uuid', description: 'For a person of a case' })
  personId?: string;
}

/**
 * How a party is stored: the family member's id, or null for the client, on a client's record;
 * the person's id on a case's record (which has no "the client").
 */
export type PartyId = string | null;

export function toPartyView(id: PartyId): PartyView {
  return id
    ? { party: 'family_member', familyMemberId: id }
    : { party: 'client', familyMemberId: null };
}

/** `byPerson`: the record is held by a case, so its party ids are person ids. */
export function partyViewOf(id: PartyId, byPerson: boolean): PartyView {
  return byPerson ? { party: 'person', familyMemberId: null, personId: id! } : toPartyView(id);
}

/** The id a party given in a request stands for ('' when its id is missing: matches nobody). */
export function partyIdOf(party: PartyDto): PartyId {
  if (party.party === 'client') return null;
  return (party.party === 'person' ? party.personId : party.familyMemberId) ?? '';
}

/** The field naming a party's id in a request (`ratings[0].personId`). */
export function partyIdField(party: PartyDto, field: string): string {
  if (party.party === 'client') return `${field}.party`;
  return `${field}.${party.party === 'person' ? 'personId' : 'familyMemberId'}`;
}

/**
 * Checks that every party belongs to the holder of the record (422 naming each offending field
 * otherwise) and returns them as stored ids, without duplicates, in the order given.
 */
export async function resolveParties(
  manager: EntityManager,
  practiceId: string,
  holderOrClientId: RecordHolder | string,
  parties: PartyDto[],
  field: string,
): Promise<PartyId[]> {
  const holder: RecordHolder =
    typeof holderOrClientId === 'string' ? clientHolder(holderOrClientId) : holderOrClientId;
  const byPerson = holder.kind === 'case';
  const wrongKind = parties
    .map((party, index) => ({ party, index }))
    .filter(({ party }) => (party.party === 'person') !== byPerson);
  if (wrongKind.length > 0) {
    throw new UnprocessableProblem(
      byPerson ? PARTY_ERRORS.partyNotOfCase : PARTY_ERRORS.partyNotOfClient,
      byPerson
        ? 'The parties of a case’s record are persons of the case.'
        : 'Parties must be the client or family members of this client.',
      wrongKind.map(({ index }) => ({
        field: `${field}[${index}].party`,
        message: byPerson
          ? 'must be person for a case’s record'
          : 'must be client or family_member',
      })),
    );
  }
  const missing = parties
    .map((party, index) => ({ party, index }))
    .filter(({ party }) => party.party !== 'client' && partyIdOf(party) === '');
  if (missing.length > 0) {
    throw new UnprocessableProblem(
      PARTY_ERRORS.partyIncomplete,
      'A family member party needs its familyMemberId, a person its personId.',
      missing.map(({ party, index }) => ({
        field: partyIdField(party, `${field}[${index}]`),
        message: 'is required',
      })),
    );
  }
  const ids = parties.map(partyIdOf);
  const wanted = ids.filter((id): id is string => id !== null);
  const known = await manager.query<{ id: string }[]>(
    byPerson
      ? `SELECT person_id AS id FROM case_members WHERE practice_id = $1 AND case_id = $2 AND person_id = ANY($3)`
      : `SELECT id FROM family_members WHERE practice_id = $1 AND client_id = $2 AND id = ANY($3)`,
    [practiceId, holder.id, wanted],
  );
  const knownIds = new Set(known.map((row) => row.id));
  const strangers: FieldError[] = parties
    .map((party, index) => ({ party, index, id: ids[index]! }))
    .filter(({ id }) => id !== null && !knownIds.has(id))
    .map(({ party, index }) => ({
      field: partyIdField(party, `${field}[${index}]`),
      message: byPerson ? 'is not a person of this case' : 'is not a family member of this client',
    }));
  if (strangers.length > 0) {
    throw new UnprocessableProblem(
      byPerson ? PARTY_ERRORS.partyNotOfCase : PARTY_ERRORS.partyNotOfClient,
      byPerson
        ? 'Parties must be persons of this case.'
        : 'Parties must be the client or family members of this client.',
      strangers,
    );
  }
  return [...new Set(ids)];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { UnprocessableProblem } from '../common/problem/problem';
import { PARTY_ERRORS } from './party-errors';

/**
 * A party of a client's case: the client, or one of that client's family members. Agreements,
 * goals and session attendance refer to parties; another client's family is never one.
 */
export class PartyDto {
  @ApiProperty({ enum: ['client', 'family_member'] })
  @IsIn(['client', 'family_member'])
  party!: 'client' | 'family_member';

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for a family member: one of this client’s',
  })
  @IsOptional()
  @IsUUID()
  familyMemberId?: string;
}

export class PartyView {
  @ApiProperty({ enum: ['client', 'family_member'] }) party!: 'client' | 'family_member';
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) familyMemberId!:
    string | null;
}

/** How a party is stored: the family member's id, or null for the client. */
export type PartyId = string | null;

export function toPartyView(id: PartyId): PartyView {
  return id
    ? { party: 'family_member', familyMemberId: id }
    : { party: 'client', familyMemberId: null };
}

/**
 * Checks that every party belongs to this client (422 naming each offending field otherwise) and
 * returns them as stored ids, without duplicates, in the order given.
 */
export async function resolveParties(
  manager: EntityManager,
  practiceId: string,
  clientId: string,
  parties: PartyDto[],
  field: string,
): Promise<PartyId[]> {
  const missing = parties
    .map((party, index) => ({ party, index }))
    .filter(({ party }) => party.party === 'family_member' && !party.familyMemberId);
  if (missing.length > 0) {
    throw new UnprocessableProblem(
      PARTY_ERRORS.partyIncomplete,
      'A family member party needs its familyMemberId.',
      missing.map(({ index }) => ({
        field: `${field}[${index}].familyMemberId`,
        message: 'is required for a family member',
      })),
    );
  }
  const familyIds = parties.map((party) =>
    party.party === 'family_member' ? party.familyMemberId! : null,
  );
  const known = await manager.query<{ id: string }[]>(
    `SELECT id FROM family_members WHERE practice_id = $1 AND client_id = $2 AND id = ANY($3)`,
    [practiceId, clientId, familyIds.filter((id): id is string => id !== null)],
  );
  const knownIds = new Set(known.map((row) => row.id));
  const strangers = familyIds
    .map((id, index) => ({ id, index }))
    .filter(({ id }) => id !== null && !knownIds.has(id));
  if (strangers.length > 0) {
    throw new UnprocessableProblem(
      PARTY_ERRORS.partyNotOfClient,
      'Parties must be the client or family members of this client.',
      strangers.map(({ index }) => ({
        field: `${field}[${index}].familyMemberId`,
        message: 'is not a family member of this client',
      })),
    );
  }
  return [...new Set(familyIds)];
}

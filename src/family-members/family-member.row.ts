import { providedFields } from '../common/validation/transforms';
import type { CreateFamilyMemberDto, FamilyMemberView } from './family-member.dto';

/** A `family_members` row. */
export interface FamilyMemberRow {
  id: string;
  client_id: string;
  first_name: string;
  last_name: string | null;
  relationship: string;
  date_of_birth: string | null;
  pronouns: string | null;
  email: string | null;
  phone: string | null;
  participation: string;
  consent_to_contact: boolean;
  emergency_contact: boolean;
  deceased: boolean;
  deceased_on: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** DTO field → column, for the fields a request may set. */
export const FAMILY_MEMBER_FIELDS: Record<keyof CreateFamilyMemberDto, keyof FamilyMemberRow> = {
  firstName: 'first_name',
  lastName: 'last_name',
  relationship: 'relationship',
  dateOfBirth: 'date_of_birth',
  pronouns: 'pronouns',
  email: 'email',
  phone: 'phone',
  participation: 'participation',
  consentToContact: 'consent_to_contact',
  emergencyContact: 'emergency_contact',
  deceased: 'deceased',
  deceasedOn: 'deceased_on',
};
export const FAMILY_MEMBER_COLUMNS = `id, client_id, first_name, last_name, relationship, date_of_birth, pronouns, email, phone, participation,
  consent_to_contact, emergency_contact, deceased, deceased_on, version, created_at, updated_at`;

export function toFamilyMemberView(row: FamilyMemberRow): FamilyMemberView {
  return {
    id: row.id,
    clientId: row.client_id,
    firstName: row.first_name,
    lastName: row.last_name,
    relationship: row.relationship,
    dateOfBirth: row.date_of_birth,
    pronouns: row.pronouns,
    email: row.email,
    phone: row.phone,
    participation: row.participation,
    consentToContact: row.consent_to_contact,
    emergencyContact: row.emergency_contact,
    deceased: row.deceased,
    deceasedOn: row.deceased_on,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The columns a new member's request sets (trimmed), keyed by column, and the fields it gave. */
export function newFamilyMemberColumns(dto: CreateFamilyMemberDto): {
  columns: Record<string, unknown>;
  fields: (keyof CreateFamilyMemberDto)[];
} {
  const fields = providedFields(dto);
  const columns = Object.fromEntries(
    fields.map((field) => {
      const value = dto[field];
      return [FAMILY_MEMBER_FIELDS[field], typeof value === 'string' ? value.trim() : value];
    }),
  );
  return { columns, fields };
}

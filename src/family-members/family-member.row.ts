import type { CreateFamilyMemberDto } from './family-member.dto';

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

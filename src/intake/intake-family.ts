import type { IntakeSubmissionDto } from './dto/intake-submission.dto';
import { phoneDigits } from './intake-validation';

/** A `family_members` row to create when a submission is accepted. */
export interface FamilyRow {
  first_name: string;
  last_name: string | null;
  relationship: string;
  email: string | null;
  phone: string | null;
  participation: 'participating' | 'invited';
  emergency_contact: boolean;
}

/**
 * The family members a submission lists, plus its emergency contact. The emergency contact is
 * usually one of the listed people: when a listed member has the same phone digits or the same
 * full name (case and accents ignored), that member is marked as the emergency contact; otherwise
 * the contact becomes a member of their own (their one-line name kept whole as the first name, as
 * names do not split reliably), not taking part in therapy.
 */
export function familyRows(form: IntakeSubmissionDto): FamilyRow[] {
  const rows: FamilyRow[] = (form.familyMembers ?? []).map((member) => ({
    first_name: member.firstName.trim(),
    last_name: member.lastName?.trim() || null,
    relationship: member.relationship,
    email: member.email ?? null,
    phone: member.phone?.trim() ?? null,
    participation: member.shouldTakePart ? 'participating' : 'invited',
    emergency_contact: false,
  }));
  const contact = form.emergencyContact;
  const contactDigits = phoneDigits(contact.phone);
  const contactName = foldName(contact.name);
  const same = rows.find(
    (row) =>
      (contactDigits !== null && phoneDigits(row.phone) === contactDigits) ||
      foldName(`${row.first_name} ${row.last_name ?? ''}`) === contactName,
  );
  if (same) {
    same.emergency_contact = true;
    same.phone ??= contact.phone.trim();
  } else {
    rows.push({
      first_name: contact.name.trim(),
      last_name: null,
      relationship: contact.relationship ?? 'friend_support',
      email: null,
      phone: contact.phone.trim(),
      participation: 'invited',
      emergency_contact: true,
    });
  }
  return rows;
}

function foldName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

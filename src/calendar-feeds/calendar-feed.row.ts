import type { StaffRole } from '../common/actor/actor';

/** A `calendar_feeds` row as its owner sees it. */
export interface FeedRow {
  id: string;
  label: string | null;
  created_at: Date;
  last_fetched_at: Date | null;
}

/** A feed looked up by its token, with the owner it answers for. */
export interface OwnerRow {
  id: string;
  practice_id: string;
  staff_id: string;
  role: StaffRole;
}

/** A session as the feed publishes it: client number and initials (none for a case session), never names. */
export interface SessionRow {
  id: string;
  client_id: string;
  starts_at: Date;
  ends_at: Date;
  updated_at: Date;
  version: number;
  modality: string;
  setting: string;
  location: string | null;
  status: string;
  client_number: number;
  first_initial: string | null;
  last_initial: string | null;
}

import type { CareTeamRole } from './dto/care-team.dto';

/** A current `care_team_members` row with the staff member's name and role. */
export interface CareTeamMemberRow {
  id: string;
  staff_id: string;
  first_name: string;
  last_name: string;
  staff_role: string;
  role: CareTeamRole;
  added_at: Date;
}

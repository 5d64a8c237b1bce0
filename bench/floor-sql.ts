/**
 * The two statements the API ran for `GET /api/v1/clients/{id}` when issue 19 was filed, copied
 * character for character from src/access/client-access.service.ts (`require`, with CLIENT_COLUMNS
 * and the practice setting expanded) and src/audit/audit.service.ts (`recordMany`). The floor
 * server runs exactly these: the issue fixes the floor as that read's work done by bare Node + pg.
 * The API's read is one statement now (src/access/audited-client-read.service.ts), so what it
 * gains by that shows in the ratio; the floor is deliberately left at two.
 */
export const ACCESS_CHECKED_SELECT = `SELECT c.id, c.practice_id, c.client_number, c.first_name, c.last_name, c.preferred_name,
  c.date_of_birth, c.pronouns, c.email, c.phone, c.status, c.discharge_reason, c.discharged_on,
  c.presenting_concerns, c.trust_indicators, c.risk_flags, c.substance_use_records, c.error_reason,
  c.last_activity_at, c.version, c.created_at, c.updated_at, json_build_object(
              'onCareTeam', EXISTS (SELECT 1 FROM care_team_members m
                       WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.staff_id = $3
                         AND m.removed_at IS NULL),
              'supervisesCareTeamMember', EXISTS (SELECT 1 FROM care_team_members m
                        JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id
                       WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.removed_at IS NULL
                         AND s.supervisor_id = $3),
              'emergencyGrant', EXISTS (SELECT 1 FROM emergency_access_grants g
                       WHERE g.practice_id = c.practice_id AND g.client_id = c.id AND g.staff_id = $3
                         AND g.expires_at > now()),
              'adminClinicalAccess', coalesce((p.settings ->> 'adminClinicalAccess')::boolean, false)
            ) AS access
         FROM clients c JOIN practices p ON p.id = c.practice_id
        WHERE c.practice_id = $1 AND c.id = $2
        `;

export const AUDIT_INSERT = `INSERT INTO audit_events (practice_id, actor_type, actor_id, actor_role, action, resource_type,
         resource_id, client_id, outcome, changed_fields, request_id, ip, user_agent, metadata)
       SELECT practice_id, actor_type, actor_id, actor_role, action, resource_type,
              resource_id, client_id, outcome, changed_fields, request_id, ip, user_agent, metadata
         FROM jsonb_to_recordset($1::jsonb) AS e (practice_id uuid, actor_type text, actor_id uuid, actor_role text,
              action text, resource_type text, resource_id text, client_id uuid, outcome text, changed_fields text[],
              request_id text, ip inet, user_agent text, metadata jsonb)`;

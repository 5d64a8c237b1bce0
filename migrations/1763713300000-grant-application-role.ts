import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  applicationRole,
  grantToApplication,
  type TablePrivilege,
} from '../src/database/application-grants';

const READ: TablePrivilege[] = ['SELECT'];
const APPEND: TablePrivilege[] = ['SELECT', 'INSERT'];
const WRITE: TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE'];
/** Rows that housekeeping purges (src/housekeeping/housekeeping-purges.ts). */
const PURGED: TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * What the API may do to each table, and nothing more. UPDATE also stands for `SELECT … FOR UPDATE`
 * and `INSERT … ON CONFLICT DO UPDATE`, which PostgreSQL only allows with it; rows written by a
 * trigger need the privilege too, because triggers run as the role whose statement fired them.
 * The audit tables and every append-only record are SELECT and INSERT only: their triggers refuse
 * changes, and the grant refuses them before a trigger is even reached.
 */
export const APPLICATION_GRANTS: Record<string, TablePrivilege[]> = {
  practices: READ, // created by the operator command and the seed, as the owner
  practice_counters: WRITE,
  staff: WRITE,
  refresh_tokens: PURGED,
  // Failed sign-ins per account and source: counted, cleared on success, pruned as they age.
  login_failures: ['SELECT', 'INSERT', 'DELETE'],
  password_tokens: PURGED,
  rate_limit_buckets: PURGED,
  idempotency_keys: PURGED,
  audit_events: APPEND,
  audit_chain_links: APPEND,
  clients: WRITE,
  care_team_members: WRITE,
  family_members: WRITE,
  emergency_access_grants: APPEND,
  therapy_sessions: WRITE,
  session_attendees: APPEND,
  // Written only by the trigger on therapy_sessions, which replaces a session's bookings.
  session_staff_bookings: ['SELECT', 'INSERT', 'DELETE'],
  session_notes: WRITE,
  note_addenda: APPEND,
  psychotherapy_notes: WRITE,
  calendar_feeds: WRITE,
  boundary_agreements: WRITE,
  boundary_agreement_parties: APPEND,
  boundary_agreement_versions: APPEND,
  boundary_items: APPEND,
  boundary_acknowledgments: APPEND,
  boundary_violations: WRITE,
  trust_goals: WRITE,
  goal_commitments: WRITE,
  goal_milestones: WRITE,
  goal_check_ins: APPEND,
  goal_check_in_ratings: APPEND,
  goal_setbacks: APPEND,
  intake_invitations: PURGED,
  intake_submissions: WRITE,
};

/** Functions the API's own SQL calls; trigger functions need no EXECUTE to fire. */
const CALLED_FUNCTIONS = ['search_key(text)', 'audit_event_digest(audit_events)'];

/**
 * The API runs as an application role that owns nothing (docs/database.md, "Roles"). Until now
 * it had whatever the role it connected as had; from here it has these grants, and later
 * migrations grant on the tables they create with `grantToApplication`.
 */
export class GrantApplicationRole1763713300000 implements MigrationInterface {
  name = 'GrantApplicationRole1763713300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, privileges] of Object.entries(APPLICATION_GRANTS)) {
      await grantToApplication(queryRunner, table, privileges);
    }
    // Functions are executable by PUBLIC by default: only the application role calls ours.
    // (A schema's default privileges only add to the global ones, hence no IN SCHEMA.)
    await queryRunner.query(`ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`);
    await queryRunner.query(onOwnFunctions('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC'));
    const role = await applicationRole(queryRunner);
    for (const signature of CALLED_FUNCTIONS) {
      await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${signature} TO ${role}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Revokes from whoever holds a grant, so it needs no application role to be named.
    await queryRunner.query(`
      DO $$
      DECLARE item record;
      BEGIN
        FOR item IN
          SELECT DISTINCT 'TABLE ' || c.oid::regclass AS object, a.grantee::regrole AS grantee
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
           WHERE n.nspname = 'public' AND a.grantee NOT IN (c.relowner, 0)
          UNION
          SELECT DISTINCT 'FUNCTION ' || p.oid::regprocedure, a.grantee::regrole
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a
           WHERE n.nspname = 'public' AND a.grantee NOT IN (p.proowner, 0)
             AND p.proowner = current_user::regrole
        LOOP
          EXECUTE format('REVOKE ALL ON %s FROM %s', item.object, item.grantee);
        END LOOP;
      END $$`);
    await queryRunner.query(onOwnFunctions('GRANT EXECUTE ON FUNCTION %s TO PUBLIC'));
    await queryRunner.query(`ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC`);
  }
}

/** Runs `command` (with %s for the signature) on every function the migrating role owns. */
function onOwnFunctions(command: string): string {
  return `
    DO $$
    DECLARE signature regprocedure;
    BEGIN
      FOR signature IN
        SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public' AND p.proowner = current_user::regrole
      LOOP
        EXECUTE format('${command}', signature);
      END LOOP;
    END $$`;
}

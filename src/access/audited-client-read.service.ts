import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../common/actor/actor';
import { queryPrepared } from '../common/sql/prepared';
import { SqlParams } from '../common/sql/sql-params';
// As in client-access.service.ts: the access check reads the client's row in the same statement.
import { CLIENT_COLUMNS, type ClientRow } from '../clients/client.row';
import { practiceSettingSql } from '../practices/practice-settings';
import { clientAccessViaSql, type AccessFact, type AccessVia } from './client-access';
import { ClientNotFoundError, type ClientGrant } from './client-access.service';

type GrantedRow = ClientRow & { via: AccessVia };

/**
 * Reading one client's record as one statement (issue 19): the access check, decided in SQL by
 * the rule of client-access.ts ({@link clientAccessViaSql}), and its audit event, inserted by a
 * data-modifying CTE of the same statement, one round trip where `require` then `record` took two.
 * The event is the one those two would write: a `read` with `{ via }`, or an `access_denied` with
 * `{ need }` naming the client only when it is one of the caller's practice, answered 404.
 */
@Injectable()
export class AuditedClientRead {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Reads the client for `read` and records it, or records the denial and throws 404. Always a
   * statement of its own, outside any transaction the caller has open, as `recordIndependently`
   * is: a denial stays recorded whatever the caller does next.
   */
  async read(actor: Caller, clientId: string): Promise<ClientGrant> {
    const need = 'read';
    const params = new SqlParams();
    const practice = params.add(actor.practiceId);
    const client = params.add(clientId);
    let me: string | undefined;
    const fact = (name: Exclude<AccessFact, 'always'>): string => {
      if (name === 'adminClinicalAccess') return practiceSettingSql('adminClinicalAccess');
      if (name === 'inApiCaseload') {
        const caseload = params.add(actor.kind === 'api_client' ? actor.caseloadStaffIds : null);
        return `(${caseload}::uuid[] IS NULL OR EXISTS (SELECT 1 FROM care_team_members m
                  WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.removed_at IS NULL
                    AND m.staff_id = ANY (${caseload}::uuid[])))`;
      }
      me ??= `${params.add(actor.id)}::uuid`;
      switch (name) {
        case 'onCareTeam':
          return `EXISTS (SELECT 1 FROM care_team_members m
                   WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.staff_id = ${me}
                     AND m.removed_at IS NULL)`;
        case 'supervisesCareTeamMember':
          return `EXISTS (SELECT 1 FROM care_team_members m
                    JOIN staff s ON s.practice_id = m.practice_id AND s.id = m.staff_id
                   WHERE m.practice_id = c.practice_id AND m.client_id = c.id AND m.removed_at IS NULL
                     AND s.supervisor_id = ${me})`;
        case 'emergencyGrant':
          return `EXISTS (SELECT 1 FROM emergency_access_grants g
                   WHERE g.practice_id = c.practice_id AND g.client_id = c.id AND g.staff_id = ${me}
                     AND g.expires_at > now())`;
      }
    };
    const via = clientAccessViaSql(actor, need, 'c.status', fact);
    const event = this.audit.decidedEventSql(
      params,
      { resourceType: 'client', resourceId: clientId },
      {
        action: `CASE WHEN f.via IS NULL THEN 'access_denied' ELSE 'read' END`,
        outcome: `CASE WHEN f.via IS NULL THEN 'denied' ELSE 'success' END`,
        // Only a client of the caller's own practice is named: `found` has no other.
        clientId: 'f.id',
        metadata: `CASE WHEN f.via IS NULL THEN jsonb_build_object('need', '${need}')
                        ELSE jsonb_build_object('via', f.via) END`,
      },
      '(VALUES (1)) AS one (n) LEFT JOIN found f ON true',
    );
    const [row] = await queryPrepared<GrantedRow>(
      this.dataSource.manager,
      `WITH found AS (
         SELECT ${CLIENT_COLUMNS}, ${via} AS via
           FROM clients c JOIN practices p ON p.id = c.practice_id
          WHERE c.practice_id = ${practice} AND c.id = ${client}),
       event AS (${event})
       SELECT * FROM found WHERE via IS NOT NULL`,
      params.values,
    );
    if (!row) throw new ClientNotFoundError();
    const { via: granted, ...found } = row;
    return { clientId, via: granted, client: found };
  }
}

import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import { DataSource } from 'typeorm';
import { API_KEY_FORMAT, API_KEY_PREFIX, hashApiKey } from '../api-clients/api-key';
import { plainIp } from '../api-clients/ip-allow-list';
import { AuditService } from '../audit/audit.service';
import type { ApiClientActor, ApiScope } from '../common/actor/actor';
import { queryPrepared } from '../common/sql/prepared';
import { IpNotAllowedProblem, UnauthenticatedProblem } from './auth-errors';
import { bearerToken } from './bearer-token';

export const API_KEY_STRATEGY = 'api-key';

type Verify = (
  request: Request,
  key: string,
  done: (error: Error | null, actor?: ApiClientActor | false) => void,
) => void;

/**
 * `Authorization: Bearer ftk_live_…`, from the header only. Written here rather than taken from
 * passport-http-bearer, which also reads `access_token` from the query string and the body (a key
 * in a URL ends up in proxy and server logs), and which would run for every staff token: this one
 * steps aside at once, without a statement, for anything not shaped like an API key.
 */
class BearerApiKeyStrategy extends Strategy {
  constructor(private readonly verify: Verify) {
    super();
  }

  override authenticate(request: Request): void {
    const token = bearerToken(request);
    if (!token?.startsWith(API_KEY_PREFIX)) return this.fail(401);
    this.verify(request, token, (error, actor) => {
      if (error) return this.error(error);
      return actor ? this.success(actor) : this.fail(401);
    });
  }
}

interface KeyRow {
  id: string;
  practice_id: string;
  owner_id: string;
  scopes: ApiScope[];
  caseload_staff_ids: string[] | null;
  ip_allowed: boolean;
}

/**
 * Practice software's API keys. Each request looks its key up (one indexed statement on the key's
 * hash), so a revoked key or client, a changed scope, caseload or allow-list applies from the next
 * request on every API process, with no cache to invalidate. The same statement records when and
 * from where the key was last used, at most once a minute per key and address.
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(BearerApiKeyStrategy, API_KEY_STRATEGY) {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    super();
  }

  async validate(request: Request, key: string): Promise<ApiClientActor> {
    if (!API_KEY_FORMAT.test(key)) throw invalidKey();
    const ip = plainIp(request.ip);
    const [row] = await queryPrepared<KeyRow>(
      this.dataSource.manager,
      `WITH found AS (
         SELECT k.id AS key_id, k.practice_id, a.id, a.owner_id, a.scopes, a.caseload_staff_ids,
                COALESCE(a.ip_allow_list IS NULL OR $2::inet <<= ANY (a.ip_allow_list), false) AS ip_allowed,
                (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'
                  OR k.last_used_ip IS DISTINCT FROM $2::inet) AS stale
           FROM api_client_keys k
           JOIN api_clients a ON a.practice_id = k.practice_id AND a.id = k.api_client_id
          WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND a.revoked_at IS NULL),
       touched AS (
         UPDATE api_client_keys k SET last_used_at = now(), last_used_ip = $2::inet
           FROM found f WHERE k.practice_id = f.practice_id AND k.id = f.key_id AND f.ip_allowed AND f.stale)
       SELECT id, practice_id, owner_id, scopes, caseload_staff_ids, ip_allowed FROM found`,
      [hashApiKey(key), ip],
    );
    if (!row) throw invalidKey();
    const actor: ApiClientActor = {
      kind: 'api_client',
      id: row.id,
      practiceId: row.practice_id,
      role: null,
      ownerId: row.owner_id,
      scopes: row.scopes,
      caseloadStaffIds: row.caseload_staff_ids,
    };
    if (!row.ip_allowed) {
      await this.audit.recordIndependently({
        actor,
        action: 'access_denied',
        resourceType: 'api_client',
        resourceId: row.id,
        outcome: 'denied',
        metadata: { reason: 'ip_not_allowed' },
      });
      throw new IpNotAllowedProblem();
    }
    return actor;
  }
}

const invalidKey = () => new UnauthenticatedProblem('The API key is invalid or revoked.');

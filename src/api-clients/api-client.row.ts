import { createHash } from 'node:crypto';
import type { ApiScope } from '../common/actor/actor';

/** A key of an API client, as an admin sees it: never the key itself, which is shown once. */
export interface ApiKeyView {
  id: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
}

/** An `api_clients` row with its keys, over the alias `a`. */
export interface ApiClientRow {
  id: string;
  name: string;
  owner_id: string;
  scopes: ApiScope[];
  caseload_staff_ids: string[] | null;
  ip_allow_list: string[] | null;
  created_at: Date;
  updated_at: Date;
  revoked_at: Date | null;
  keys: ApiKeyView[];
}

export const API_CLIENT_COLUMNS = `a.id, a.name, a.owner_id, a.scopes, a.caseload_staff_ids,
  a.ip_allow_list::text[] AS ip_allow_list, a.created_at, a.updated_at, a.revoked_at,
  COALESCE((SELECT json_agg(json_build_object('id', k.id, 'prefix', k.key_prefix,
      'createdAt', k.created_at, 'revokedAt', k.revoked_at, 'lastUsedAt', k.last_used_at,
      'lastUsedIp', host(k.last_used_ip)) ORDER BY k.created_at, k.id)
     FROM api_client_keys k WHERE k.practice_id = a.practice_id AND k.api_client_id = a.id), '[]') AS keys`;

export interface ApiClientView {
  id: string;
  name: string;
  ownerId: string;
  scopes: ApiScope[];
  caseloadStaffIds: string[] | null;
  ipAllowList: string[] | null;
  createdAt: string;
  updatedAt: string;
  revokedAt: string | null;
  keys: ApiKeyView[];
}

export function toApiClientView(row: ApiClientRow): ApiClientView {
  return {
    id: row.id,
    name: row.name,
    ownerId: row.owner_id,
    scopes: row.scopes,
    caseloadStaffIds: row.caseload_staff_ids,
    ipAllowList: row.ip_allow_list,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    keys: row.keys,
  };
}

/**
 * Strong ETag of an API client: a digest of what `PATCH` and revocation change (api_clients has
 * no version column). Key use and rotation leave it alone: they are not edits of the client.
 */
export function apiClientEtag(view: ApiClientView): string {
  const edited = [
    view.name,
    view.ownerId,
    view.scopes,
    view.caseloadStaffIds,
    view.ipAllowList,
    view.revokedAt,
  ];
  const digest = createHash('sha256').update(JSON.stringify(edited)).digest('base64url');
  return `"${view.id}.${digest.slice(0, 22)}"`;
}

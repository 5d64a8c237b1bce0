import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'pg';
import { ACCESS_CHECKED_SELECT, AUDIT_INSERT } from './floor-sql';
import { verifyAccessToken } from './tokens';

/**
 * The floor: the least a server can do for the API's client read and still do the user-level
 * work, namely verify the same access token, run the same access-checked SELECT, decide, write the
 * same audit event, answer JSON. Bare Node `http` and `pg`, as prepared statements over a pool of
 * the API's size. Whatever the API adds (framework, validation, revocation check, rate limit,
 * logging, request context) is the distance between the two. Started by `npm run bench` as
 * `node dist-bench/bench/floor-server.js` with DATABASE_URL, JWT_SECRET, PORT and DB_POOL_SIZE.
 */
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_SIZE ?? 10),
});
const secret = Buffer.from(process.env.JWT_SECRET ?? '', 'utf8');
const CLIENT_PATH = /^\/api\/v1\/clients\/([0-9a-f-]{36})$/;

interface AccessRow {
  status: string;
  access: { onCareTeam: boolean; supervisesCareTeamMember: boolean; emergencyGrant: boolean };
}

async function readClient(req: IncomingMessage, res: ServerResponse, clientId: string) {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const claims = token ? verifyAccessToken(token, secret) : undefined;
  if (!claims) return send(res, 401, { status: 401 });
  const {
    rows: [row],
  } = await pool.query<AccessRow & Record<string, unknown>>({
    name: 'floor_read',
    text: ACCESS_CHECKED_SELECT,
    values: [claims.pid, clientId, claims.sub],
  });
  const via = !row
    ? undefined
    : row.access.onCareTeam
      ? 'care_team'
      : row.access.supervisesCareTeamMember
        ? 'supervisor'
        : row.access.emergencyGrant
          ? 'emergency'
          : claims.role === 'admin'
            ? 'admin'
            : undefined;
  const event = {
    practice_id: claims.pid,
    actor_type: 'staff',
    actor_id: claims.sub,
    actor_role: claims.role,
    action: via ? 'read' : 'access_denied',
    resource_type: 'client',
    resource_id: clientId,
    client_id: row ? clientId : null,
    outcome: via ? 'success' : 'denied',
    changed_fields: [],
    request_id: randomUUID(),
    ip: req.socket.remoteAddress ?? null,
    user_agent: req.headers['user-agent'] ?? null,
    metadata: via ? { via } : { need: 'read' },
  };
  await pool.query({ name: 'floor_audit', text: AUDIT_INSERT, values: [JSON.stringify([event])] });
  if (!via || !row) return send(res, 404, { status: 404 });
  const { access: _access, ...client } = row;
  send(res, 200, client);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const server = createServer((req, res) => {
  const match = req.method === 'GET' ? CLIENT_PATH.exec(req.url ?? '') : null;
  if (req.url === '/health/ready') return send(res, 200, { status: 'ok' });
  if (!match) return send(res, 404, { status: 404 });
  readClient(req, res, match[1]!).catch(() => send(res, 500, { status: 500 }));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end();
});

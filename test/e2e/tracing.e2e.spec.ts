import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../setup/built-api';
import { workerDatabaseUrl } from '../setup/test-database';

/** What a client might put where tracing could see it: a name and a date of birth. */
const PHI = 'Jane Doe 1980-01-01';

/**
 * Runs the built tracing setup in a process of its own (instrumentation patches modules as Node
 * loads them, which jest's module loader bypasses), with an in-memory exporter, then one query
 * with a parameter and one HTTP request with a query string; prints the finished spans as JSON.
 */
const SCRIPT = `
const { InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base');
const { startTracing } = require('./dist/src/tracing/tracing');
const exporter = new InMemorySpanExporter();
const provider = startTracing({ exporter, immediate: true });
const http = require('node:http');
const { Client } = require('pg');
(async () => {
  const client = new Client({ connectionString: process.env.TRACE_DB_URL });
  await client.connect();
  await client.query('SELECT $1::text AS name', [process.env.TRACE_PHI]);
  await client.end();
  const server = http.createServer((request, response) => response.end('ok'));
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  const path = '/api/v1/clients?search=' + encodeURIComponent(process.env.TRACE_PHI);
  await new Promise((done) =>
    http.get({ host: '127.0.0.1', port: server.address().port, path }, (response) => {
      response.resume();
      response.on('end', done);
    }),
  );
  server.close();
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  process.stdout.write(JSON.stringify(spans.map(({ name, kind, attributes }) => ({ name, kind, attributes }))));
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface SpanSummary {
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

function traceInChild(databaseUrl: string): Promise<SpanSummary[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SCRIPT], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, TRACE_DB_URL: databaseUrl, TRACE_PHI: PHI },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as SpanSummary[]) : reject(new Error(err)),
    );
  });
}

describe('OpenTelemetry tracing', () => {
  it('traces HTTP and PostgreSQL without parameter values, addresses or query strings', async () => {
    const spans = await traceInChild(await workerDatabaseUrl());

    const query = spans.find((span) => span.attributes['db.query.text'] !== undefined);
    expect(query?.attributes['db.query.text']).toBe('SELECT $1::text AS name');
    const server = spans.find((span) => span.kind === 1); // SpanKind.SERVER
    expect(server?.attributes['url.path'] ?? server?.attributes['http.target']).toBe(
      '/api/v1/clients',
    );
    const client = spans.find((span) => span.kind === 2); // SpanKind.CLIENT, the http.get
    expect(client).toBeDefined();

    const everything = JSON.stringify(spans);
    expect(everything).not.toContain('Jane');
    expect(everything).not.toContain('1980');
    expect(everything).not.toContain('search=');
    const addressKeys = ['net.peer.ip', 'client.address', 'network.peer.address', 'http.client_ip'];
    const keys = spans.flatMap((span) => Object.keys(span.attributes));
    expect(keys.filter((key) => addressKeys.includes(key))).toEqual([]);
  });
});

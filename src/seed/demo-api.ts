import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';

/** One demo login's calls to the API, with its bearer token. */
export interface DemoCaller {
  id: string;
  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
  get<T = Record<string, unknown>>(path: string): Promise<T>;
}

/** A failed demo call: the route, status and problem type only, never the body sent (PHI). */
export class DemoApiError extends Error {
  constructor(method: string, path: string, status: number, type: unknown, fields: unknown) {
    super(
      `demo seed: ${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')} answered ${status} ` +
        `(${String(type)}${fields ? `; fields ${JSON.stringify(fields)}` : ''})`,
    );
  }
}

/**
 * The API as the demo seed reaches it: the application's own HTTP stack (validation, guards,
 * services, audit) on a loopback port of its own, so the seed goes through exactly what a client
 * goes through, before the application listens on its public port (or beside it).
 */
export class DemoApi {
  private constructor(
    private readonly server: Server,
    private readonly base: string,
  ) {}

  static async open(app: INestApplication): Promise<DemoApi> {
    const listener = app.getHttpAdapter().getInstance() as RequestListener;
    const server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new DemoApi(server, `http://127.0.0.1:${port}/api/v1`);
  }

  async login(email: string, password: string): Promise<DemoCaller> {
    const { accessToken } = await this.call<{ accessToken: string }>('POST', '/auth/login', {
      body: { email, password },
    });
    const auth = `Bearer ${accessToken}`;
    const { id } = await this.call<{ id: string }>('GET', '/me', { auth });
    return {
      id,
      post: (path, body) => this.call('POST', path, { auth, body: body ?? {} }),
      get: (path) => this.call('GET', path, { auth }),
    };
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      // fetch keeps its sockets alive for reuse; nothing will reuse them.
      this.server.closeAllConnections();
    });
  }

  private async call<T>(
    method: string,
    path: string,
    options: { auth?: string; body?: unknown },
  ): Promise<T> {
    const headers: Record<string, string> = { 'user-agent': 'demo-seed' };
    if (options.auth) headers.authorization = options.auth;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      const fields = Array.isArray(json.errors)
        ? (json.errors as { field?: string }[]).map((error) => error.field)
        : undefined;
      throw new DemoApiError(method, path, response.status, json.type ?? json.title, fields);
    }
    return json as T;
  }
}

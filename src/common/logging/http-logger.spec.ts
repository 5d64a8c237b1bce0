import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { Request, Response } from 'express';
import { httpLogger } from './http-logger';
import { createLogger } from './logger';

function capture(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().trim().split('\n')) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

/** Runs one request through the middleware and ends it with `status` (or an error). */
function serve(level: string, url: string, status: number, error?: Error) {
  const { stream, lines } = capture();
  const logger = createLogger(level, stream);
  const child = jest.spyOn(logger, 'child');
  const request = { id: 'req-7', method: 'GET', url, originalUrl: url } as unknown as Request;
  const response = Object.assign(new EventEmitter(), { statusCode: status }) as unknown as Response;
  const next = jest.fn();
  httpLogger(logger)(request, response, next);
  expect(next).toHaveBeenCalledTimes(1);
  if (error) response.emit('error', error);
  response.emit('finish');
  response.emit('close');
  return { lines, child, response };
}

describe(httpLogger.name, () => {
  it('at warn, a successful request makes no child logger and writes nothing', () => {
    const { lines, child, response } = serve('warn', '/api/v1/clients/x', 200);
    expect(child).not.toHaveBeenCalled();
    expect(lines).toHaveLength(0);
    // Its listeners are gone once the response ended: nothing is kept per request.
    expect((response as unknown as EventEmitter).eventNames()).toHaveLength(0);
  });

  it('at info, one line per request: id, method, path without the query, status; no child', () => {
    const { lines, child } = serve('info', '/api/v1/clients?search=Okafor', 200);
    expect(child).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request completed',
      requestId: 'req-7',
      req: { method: 'GET', path: '/api/v1/clients' },
      res: { statusCode: 200 },
    });
    expect(typeof lines[0]!.responseTime).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('Okafor');
  });

  it('still logs a 4xx at warn and a 5xx or a stream error at error, naming only the type', () => {
    expect(serve('warn', '/api/v1/clients/x', 404).lines[0]).toMatchObject({
      level: 'warn',
      msg: 'request completed',
      res: { statusCode: 404 },
    });
    expect(serve('warn', '/api/v1/clients', 500).lines[0]).toMatchObject({
      level: 'error',
      msg: 'request errored',
      err: { type: 'Error' },
    });
    const failed = serve('warn', '/api/v1/clients', 200, new TypeError('Maya Okafor'));
    expect(failed.lines).toHaveLength(1);
    expect(failed.lines[0]).toMatchObject({ level: 'error', err: { type: 'TypeError' } });
    expect(JSON.stringify(failed.lines[0])).not.toContain('Okafor');
  });

  it('leaves health probes out, and redacts a link token in the path', () => {
    expect(serve('info', '/health/ready', 200).lines).toHaveLength(0);
    expect(serve('info', '/api/v1/intake/abcDEF123', 200).lines[0]).toMatchObject({
      req: { path: '/api/v1/intake/[redacted]' },
    });
  });
});

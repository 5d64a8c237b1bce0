import { Writable } from 'node:stream';
import { CLS_ID, ClsServiceManager } from 'nestjs-cls';
import { loggablePath } from './http-logger';
import { createLogger } from './logger';

/** Raw log lines as written (not parsed: JSON.parse would hide a duplicated key). */
function capture(): { stream: Writable; raw: string[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  return { stream, raw };
}

describe(createLogger.name, () => {
  it('writes JSON lines and redacts credentials and PHI-bearing fields if an object slips in', () => {
    const { stream, raw } = capture();
    createLogger('info', stream).info(
      {
        req: { headers: { authorization: 'Bearer secret-token', cookie: 'sid=1' } },
        body: {
          firstName: 'Maya',
          dateOfBirth: '1999-06-14',
          password: 'hunter2-hunter2',
          email: 'maya@example.org',
        },
      },
      'something happened',
    );
    expect(JSON.parse(raw[0]!)).toMatchObject({
      level: 'info',
      msg: 'something happened',
      service: 'family-therapy-api',
    });
    for (const secret of [
      'secret-token',
      'sid=1',
      'Maya',
      '1999-06-14',
      'hunter2',
      'maya@example.org',
    ]) {
      expect(raw[0]).not.toContain(secret);
    }
  });

  it('adds the request id of the current request, once, also on the HTTP logger’s lines', () => {
    const { stream, raw } = capture();
    const logger = createLogger('info', stream);
    const cls = ClsServiceManager.getClsService();
    cls.run(() => {
      cls.set(CLS_ID, 'req-42');
      logger.info('inside a request');
      // The HTTP logger puts the id on its line itself, next to `req`/`res`.
      logger
        .child({ requestId: 'req-42' })
        .info({ req: { method: 'GET' }, res: { statusCode: 200 } }, 'request completed');
    });
    expect(JSON.parse(raw[0]!)).toMatchObject({ msg: 'inside a request', requestId: 'req-42' });
    expect(raw[1]!.match(/"requestId"/g)).toHaveLength(1);
  });
});

describe(loggablePath.name, () => {
  it('drops the query string and redacts secret path segments', () => {
    expect(loggablePath('/api/v1/clients?search=Okafor')).toBe('/api/v1/clients');
    expect(loggablePath('/api/v1/calendar-feeds/Zm9vYmFyYmF6cXV4.ics')).toBe(
      '/api/v1/calendar-feeds/[redacted].ics',
    );
    expect(loggablePath('/api/v1/calendar-feeds/8f1c2d3e-aaaa-bbbb-cccc-1234567890ab')).toBe(
      '/api/v1/calendar-feeds/8f1c2d3e-aaaa-bbbb-cccc-1234567890ab',
    );
    expect(loggablePath('/api/v1/intake/3q2-7wHfX0mN8b5a1kQeVtJp4sYzR6uLcGdA9oWiE2M?x=1')).toBe(
      '/api/v1/intake/[redacted]',
    );
    expect(loggablePath('/api/v1/intake-submissions/8f1c2d3e-aaaa-bbbb-cccc-1234567890ab')).toBe(
      '/api/v1/intake-submissions/8f1c2d3e-aaaa-bbbb-cccc-1234567890ab',
    );
  });
});

describe('loggablePath with a trailing slash', () => {
  it('still redacts link tokens (Express serves the path with or without the slash)', () => {
    expect(loggablePath('/api/v1/calendar-feeds/Zm9vYmFyYmF6cXV4.ics/')).toBe(
      '/api/v1/calendar-feeds/[redacted].ics',
    );
    expect(loggablePath('/api/v1/intake/Zm9vYmFyYmF6cXV4/')).toBe('/api/v1/intake/[redacted]');
  });
});

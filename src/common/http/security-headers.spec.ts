import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { CONTENT_SECURITY_DIRECTIVES } from '../../bootstrap/create-app';
import { securityHeaders } from './security-headers';

const OPTIONS = { contentSecurityPolicy: { directives: CONTENT_SECURITY_DIRECTIVES } };

/** An app answering with the headers `middleware` leaves on a response that had X-Powered-By. */
async function headersWith(middleware: express.RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use((_request, response, next) => {
    response.setHeader('X-Powered-By', 'Express');
    next();
  });
  app.use(middleware);
  app.get('/', (_request, response) => {
    response.send('ok');
  });
  const { headers } = await request(app).get('/').expect(200);
  const { date: _date, etag: _etag, ...rest } = headers as Record<string, string>;
  return rest;
}

describe(securityHeaders.name, () => {
  it('answers with exactly the headers helmet sets, X-Powered-By removed', async () => {
    const ours = await headersWith(securityHeaders(OPTIONS));
    expect(ours).toEqual(await headersWith(helmet(OPTIONS)));
    expect(ours['content-security-policy']).toContain("default-src 'self'");
    expect(ours['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(ours).not.toHaveProperty('x-powered-by');
  });

  it('refuses a directive computed per response, which it would freeze at start', () => {
    const nonce = () => "'nonce-abc'";
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce] } } }),
    ).toThrow('only static directives');
  });
});

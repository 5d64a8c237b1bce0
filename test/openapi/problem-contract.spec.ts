import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { watchProblemAnswers } from '../setup/problem-contract';

/** A stand-in API with one documented operation, answering whatever problem a test asks for. */
function fakeApi(): Server {
  const document = {
    paths: {
      '/api/v1/things/{id}': {
        get: { responses: { '404': { 'x-problem-codes': ['not-found'] } } },
      },
      '/api/v1/things/special': { get: { responses: {} } },
    },
  };
  return createServer((incoming, response) => {
    if (incoming.url === '/docs-json') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(document));
      return;
    }
    const [, status, code] = /[?&]answer=(\d+)-([\w-]+)/.exec(incoming.url ?? '') ?? [];
    response.statusCode = Number(status);
    response.setHeader('content-type', 'application/problem+json');
    response.end(JSON.stringify({ type: `urn:family-therapy:problem:${code}`, status }));
  });
}

describe('the problem contract every test app is held to', () => {
  it('lets through a listed code and names an unlisted one with its route and status', async () => {
    const server = fakeApi();
    const undocumented = await watchProblemAnswers(server);
    await request(server).get('/api/v1/things/1?answer=404-not-found');
    expect(undocumented()).toEqual([]);

    await request(server).get('/api/v1/things/1?answer=409-conflict');
    await request(server).get('/api/v1/things/1?answer=404-gone');
    await request(server).get('/api/v1/elsewhere?answer=409-conflict');
    expect(undocumented()).toEqual([
      'GET /api/v1/things/{id} answered 409 conflict, which its document does not list',
      'GET /api/v1/things/{id} answered 404 gone, which its document does not list',
    ]);
  });

  it('matches a literal path segment before a parameter, as the router does', async () => {
    const server = fakeApi();
    const undocumented = await watchProblemAnswers(server);
    await request(server).get('/api/v1/things/special?answer=404-not-found');
    expect(undocumented()).toEqual([
      'GET /api/v1/things/special answered 404 not-found, which its document does not list',
    ]);
  });
});

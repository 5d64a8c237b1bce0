import fc from 'fast-check';
import request from 'supertest';
import { PipelineProbeModule } from '../fixtures/pipeline-probe.module';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * Whatever JSON arrives at a validated endpoint, the answer is a 2xx or a 4xx problem: never a 5xx.
 */
describe('validated endpoint under arbitrary JSON', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ imports: [PipelineProbeModule] });
  });
  afterAll(() => testApp.close());

  async function send(raw: string | Buffer): Promise<number> {
    const response = await request(testApp.app.getHttpServer())
      .post('/api/v1/_probe')
      .set('Content-Type', 'application/json')
      .send(raw);
    if (response.status >= 400) {
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    return response.status;
  }

  const loneSurrogate = fc
    .integer({ min: 0xd800, max: 0xdfff })
    .map((code) => String.fromCharCode(code));
  const nastyString = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 50 }),
    fc.string({ unit: 'binary', maxLength: 50 }),
    loneSurrogate,
    fc.constantFrom('__proto__', 'constructor', "'; DROP TABLE practices; --", '\u0000', '\u202e'),
    fc.integer({ min: 10_000, max: 300_000 }).map((length) => 'x'.repeat(length)),
  );
  const nastyKey = fc.oneof(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'title',
      'count',
      'members',
      'email',
      '',
    ),
    fc.string({ maxLength: 10 }),
  );
  const nastyValue = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.integer(),
      nastyString,
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(nastyKey, tie('value'), { maxKeys: 5 }),
    ),
  })).value;

  it('never answers 5xx to arbitrary JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        expect(await send(JSON.stringify(value))).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });

  it('never answers 5xx to hostile objects (prototype keys, surrogates, huge strings)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(nastyKey, nastyValue, { maxKeys: 8 }), async (value) => {
        // JSON.stringify never writes a "__proto__" key from a dictionary, so splice one in as text.
        const json = JSON.stringify(value);
        const raw = `{"__proto__":{"isAdmin":true}${json === '{}' ? '' : ','}${json.slice(1)}`;
        expect(await send(JSON.stringify(value))).toBeLessThan(500);
        expect(await send(raw)).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });

  it('never answers 5xx to deep nesting, raw bytes or truncated JSON', async () => {
    const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const cases: (string | Buffer)[] = [
      deep(1000),
      `{"title":"x","count":1,"members":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), // invalid UTF-8 inside a key
      '{"title":"\\ud800","count":1}',
      '{"title": "x", "count": 1',
      'null',
      '"just a string"',
      '',
    ];
    for (const raw of cases) expect(await send(raw)).toBeLessThan(500);
  });
});

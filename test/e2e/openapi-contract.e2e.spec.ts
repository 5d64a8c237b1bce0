import { RequestMethod } from '@nestjs/common';
import request from 'supertest';
import { schemaFactsOf, validatedClasses } from '../../src/bootstrap/openapi-constraints';
import { NOTE_FORMATS, NOTE_SECTIONS } from '../../src/session-notes/note-format';
import { appRoutes } from '../setup/routes';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * The rules an integrator relies on, checked over every operation and schema of the document the
 * app serves, so a route or DTO added later cannot break them unnoticed.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
const VERBS = [
  'list',
  'get',
  'create',
  'update',
  'delete',
  'add',
  'remove',
  'change',
  'revoke',
  'grant',
  'export',
  'verify',
  'log',
  'refresh',
  'set',
  'deactivate',
  'reactivate',
  'acknowledge',
  'report',
  'resolve',
  'mark',
  'reschedule',
  'cancel',
  'complete',
  'sign',
  'cosign',
  'return',
  'pause',
  'resume',
  'end',
  'record',
  'reach',
  'accept',
  'reject',
  'merge',
  'submit',
  'check',
  'replay',
  'move',
];

/** Ids that name no record: each is documented as what it is instead. */
const NOT_RECORD_IDS = [
  'ProblemDetailsSchema.requestId', // the caller's X-Request-Id, any string
  'AuditEventDto.requestId',
  'AuditEventDto.resourceId', // a denied route's method and path
  'AuditCheckpointDto.keyId', // a key fingerprint
  'AuditSigningKeyDto.keyId',
];

describe('OpenAPI document: rules over every operation', () => {
  let testApp: TestApp;
  let document: Json;

  beforeAll(async () => {
    testApp = await startTestApp();
    document = (await request(testApp.app.getHttpServer()).get('/docs-json').expect(200)).body;
  });
  afterAll(() => testApp.close());

  const operations = () =>
    Object.entries(document.paths as Json).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        route: `${method.toUpperCase()} ${path}`,
        operation: item[method] as Json,
      })),
    );

  it('names every operation with a unique verb-first operationId', () => {
    const ids = operations().map(({ operation }) => operation.operationId as string);
    const misnamed = operations()
      .filter(({ operation: { operationId: id } }) => {
        const verb = /^[a-z]+/.exec(id ?? '')?.[0] ?? '';
        return !/^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(id ?? '') || !VERBS.includes(verb);
      })
      .map(({ route, operation }) => `${route}: ${operation.operationId}`);
    expect(misnamed).toEqual([]);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    expect(document.paths['/api/v1/clients'].get.operationId).toBe('listClients');
    expect(document.paths['/api/v1/therapy-sessions'].post.operationId).toBe(
      'createTherapySession',
    );
  });

  it('gives every id format uuid: path parameters and schema properties alike', () => {
    const notUuid: string[] = [];
    for (const { route, operation } of operations()) {
      for (const parameter of operation.parameters ?? []) {
        if (/^(id|\w+Id)$/.test(parameter.name) && parameter.schema?.format !== 'uuid')
          notUuid.push(`${route} ${parameter.in} ${parameter.name}`);
      }
    }
    const visit = (schema: Json | undefined, where: string): void => {
      if (!schema || typeof schema !== 'object') return;
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Json)) {
        const isId = /^(id|\w+Id)$/.test(name) && property.type === 'string';
        const isIds = /^\w+Ids$/.test(name) && property.type === 'array';
        if (isId && property.format !== 'uuid') notUuid.push(`${where}.${name}`);
        if (isIds && property.items?.format !== 'uuid') notUuid.push(`${where}.${name}[]`);
        visit(property, `${where}.${name}`);
        visit(property.items, `${where}.${name}[]`);
      }
      for (const key of ['items', 'allOf', 'oneOf', 'anyOf'])
        [schema[key]].flat().forEach((part: Json | undefined) => visit(part, where));
    };
    for (const [name, schema] of Object.entries(document.components.schemas as Json))
      visit(schema, name);
    expect(notUuid.filter((where) => !NOT_RECORD_IDS.includes(where))).toEqual([]);
  });

  it('shows every length, range and pattern a DTO enforces in its schema', () => {
    const schemas = document.components.schemas as Json;
    const hidden: string[] = [];
    let checked = 0;
    for (const [target, rules] of validatedClasses()) {
      const schema = schemas[target.name];
      if (!schema) continue;
      for (const rule of rules) {
        const property = schema.properties?.[rule.propertyName];
        if (!property) continue;
        const isArray = property.type === 'array';
        for (const [keyword, value] of Object.entries(schemaFactsOf(rule))) {
          if (isArray && !['maxItems', 'minItems'].includes(keyword)) continue;
          checked += 1;
          if (keyword === 'pattern' ? property[keyword] === undefined : property[keyword] !== value)
            hidden.push(`${target.name}.${rule.propertyName} ${keyword} ${String(value)}`);
        }
      }
    }
    expect(hidden).toEqual([]);
    expect(checked).toBeGreaterThan(100);
    expect(schemas.CreateClientDto.properties.firstName).toMatchObject({
      minLength: 1,
      maxLength: 100,
    });
  });

  it('types every property: no bare `object` where the server takes a string', () => {
    const untyped = Object.entries(document.components.schemas as Json).flatMap(([name, schema]) =>
      Object.entries((schema.properties ?? {}) as Json)
        .filter(
          ([, property]) =>
            property.type === 'object' &&
            !property.properties &&
            !property.additionalProperties &&
            !property.allOf,
        )
        .map(([property]) => `${name}.${property}`),
    );
    // Free-form by design: the practice's own fields (the caseload's counts per status are a map
    // of integers, typed by `additionalProperties`).
    expect(untyped.sort()).toEqual(['MeView.practice']);
  });

  it('marks public routes `security: []` and every other one bearer, as the guard decides', () => {
    const mismatched = appRoutes(testApp.app).flatMap(({ method, path, isPublic }) => {
      const documented = `/${path.startsWith('/health') ? '' : 'api/v1'}${path}`
        .replace(/\/+/g, '/')
        .replace(/\/$/, '')
        .replace(/:(\w+)/g, '{$1}');
      const verb = RequestMethod[method].toLowerCase();
      const operation = document.paths[documented]?.[verb] as Json | undefined;
      if (!operation) return [`${verb} ${documented}: not documented`];
      const security = JSON.stringify(operation.security);
      const expected = isPublic ? '[]' : JSON.stringify([{ bearer: [] }]);
      return security === expected ? [] : [`${verb} ${documented}: ${security}`];
    });
    expect(mismatched).toEqual([]);
  });

  it('declares the response headers the API sets', () => {
    const headersOf = (path: string, method: string, status: string) =>
      Object.keys(document.paths[path][method].responses[status].headers ?? {});
    expect(headersOf('/api/v1/clients', 'post', '201')).toEqual(
      expect.arrayContaining(['ETag', 'Location', 'Idempotency-Replayed', 'RateLimit-Limit']),
    );
    expect(headersOf('/api/v1/clients/{clientId}', 'get', '200')).toContain('ETag');
    expect(headersOf('/api/v1/therapy-sessions', 'post', '201')).toContain('Location');
    expect(headersOf('/api/v1/clients', 'get', '429')).toEqual(
      expect.arrayContaining(['Retry-After', 'RateLimit-Reset']),
    );
    // Every operation that takes If-Match answers with the ETag to send.
    const withoutEtag = operations()
      .filter(({ operation }) =>
        (operation.parameters ?? []).some((parameter: Json) => parameter.name === 'If-Match'),
      )
      .filter(({ operation }) =>
        Object.entries(operation.responses as Json).some(
          ([status, response]) => /^2/.test(status) && status !== '204' && !response.headers?.ETag,
        ),
      )
      .map(({ route }) => route);
    expect(withoutEtag).toEqual([]);
    expect(JSON.stringify(document)).not.toMatch(/x-answers-with-/);
  });

  it('answers every list as { data, nextCursor }, never a bare array', () => {
    const bareArrays = operations()
      .filter(({ operation }) => {
        const schema = operation.responses['200']?.content?.['application/json']?.schema;
        return schema?.type === 'array';
      })
      .map(({ route }) => route);
    expect(bareArrays).toEqual([]);
  });

  it('gives every success answer with a body a schema (…/versions included)', () => {
    const schemaless = operations().flatMap(({ route, operation }) =>
      Object.entries(operation.responses as Json)
        .filter(([status]) => /^2/.test(status) && status !== '204')
        .filter(([, response]) => {
          const media = Object.values((response.content ?? {}) as Json);
          return media.length === 0 || media.some((type) => !type.schema);
        })
        .map(([status]) => `${route} ${status}`),
    );
    expect(schemaless).toEqual([]);
    const versions =
      document.paths['/api/v1/clients/{clientId}/boundary-agreements/{agreementId}/versions'].get;
    expect(versions.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/AgreementVersionPage',
    );
  });

  it('shows a note’s sections per format as schemas, chosen by `format`', () => {
    const schemas = document.components.schemas as Json;
    const resolve = (ref: string) => schemas[ref.split('/').pop()!] as Json;
    for (const name of ['CreateSessionNoteDto', 'SessionNoteView']) {
      const { discriminator, oneOf } = schemas[name];
      expect(discriminator.propertyName).toBe('format');
      expect(oneOf).toHaveLength(NOTE_FORMATS.length);
      for (const format of NOTE_FORMATS) {
        const variant = resolve(discriminator.mapping[format]);
        expect(variant.properties.format.enum).toEqual([format]);
        expect(variant.properties.content.additionalProperties).toBeUndefined();
        const sections = resolve(variant.properties.content.allOf[0].$ref);
        expect({ format, sections: Object.keys(sections.properties) }).toEqual({
          format,
          sections: NOTE_SECTIONS[format],
        });
        expect(sections.additionalProperties).toBe(false);
      }
    }
    const update = schemas.UpdateSessionNoteDto.properties.content;
    expect(update.anyOf).toHaveLength(NOTE_FORMATS.length);
    expect(JSON.stringify(document)).not.toContain('Sections: {');
  });

  it('lists its servers', () => {
    expect(document.servers?.length).toBeGreaterThan(0);
  });
});

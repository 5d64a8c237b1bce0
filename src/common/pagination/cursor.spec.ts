import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ProblemError } from '../problem/problem';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  PageQueryDto,
  decodeCursor,
  encodeCursor,
  timestampCursorSql,
  toPage,
} from './cursor';

const refused = (cursor: string, arity: number) => {
  try {
    decodeCursor(cursor, arity);
  } catch (error) {
    return error as ProblemError;
  }
  throw new Error('the cursor was accepted');
};

describe('keyset cursors', () => {
  it('decode to the key they were encoded from, in URL-safe characters', () => {
    const key = ['2026-03-02T15:00:00.123456Z', 'ü/+?', 42];
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 3)).toEqual(key);
  });

  it.each([
    ['of another arity', encodeCursor(['a', 1]), 3],
    ['that is not an array', Buffer.from('{"0":"a"}').toString('base64url'), 1],
    ['with a part that is neither string nor number', encodeCursor(['a', true as never]), 2],
    ['that is not JSON', Buffer.from('[1,').toString('base64url'), 1],
  ])('refuse a cursor %s as a field error', (_name, cursor, arity) => {
    const problem = refused(cursor, arity);
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([
      { field: 'cursor', message: 'must be a cursor returned by a previous page' },
    ]);
  });
});

describe(toPage.name, () => {
  const keyOf = (row: { id: number }) => [row.id];

  it('gives the key of the last row shown when the extra row says there is more', () => {
    const page = toPage([{ id: 1 }, { id: 2 }, { id: 3 }], 2, keyOf);
    expect(page).toEqual({ data: [{ id: 1 }, { id: 2 }], nextCursor: encodeCursor([2]) });
  });

  it('ends the list when there is no extra row', () => {
    expect(toPage([{ id: 1 }, { id: 2 }], 2, keyOf)).toEqual({
      data: [{ id: 1 }, { id: 2 }],
      nextCursor: null,
    });
    expect(toPage([], 2, keyOf)).toEqual({ data: [], nextCursor: null });
    expect(toPage([{ id: 1 }], 0, keyOf)).toEqual({ data: [], nextCursor: null });
  });
});

describe(timestampCursorSql.name, () => {
  it('renders the column in UTC with microseconds', () => {
    expect(timestampCursorSql('e.occurred_at')).toBe(
      `to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    );
  });
});

describe(PageQueryDto.name, () => {
  const errors = (query: object) =>
    validateSync(plainToInstance(PageQueryDto, query)).flatMap((error) =>
      Object.values(error.constraints ?? {}),
    );

  it('reads limit from the query string as a number, within 1 and the maximum', () => {
    expect(plainToInstance(PageQueryDto, { limit: '25' }).limit).toBe(25);
    expect(errors({})).toEqual([]);
    expect(errors({ limit: '1', cursor: encodeCursor(['a']) })).toEqual([]);
    expect(errors({ limit: String(MAX_PAGE_SIZE) })).toEqual([]);
    expect(errors({ limit: '0' })).toHaveLength(1);
    expect(errors({ limit: String(MAX_PAGE_SIZE + 1) })).toHaveLength(1);
    expect(errors({ limit: '2.5' })).toHaveLength(1);
  });

  it('refuses a cursor no page could have returned', () => {
    expect(errors({ cursor: 'a.b' })).toEqual(['must be a cursor returned by a previous page']);
    expect(errors({ cursor: 'x-a' })).toEqual([]);
    expect(errors({ cursor: 'AZaz09_-' })).toEqual([]);
    expect(errors({ cursor: 'a'.repeat(513) })).toHaveLength(1);
    expect(errors({ cursor: 42 })).not.toEqual([]);
  });

  it('documents the page size bounds and the cursor in the OpenAPI schema', () => {
    const documented = (property: string): unknown =>
      Reflect.getMetadata('swagger/apiModelProperties', PageQueryDto.prototype, property);
    expect(documented('limit')).toMatchObject({
      required: false,
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: DEFAULT_PAGE_SIZE,
    });
    expect(documented('cursor')).toMatchObject({
      required: false,
      description: 'The `nextCursor` of the previous page',
    });
  });
});

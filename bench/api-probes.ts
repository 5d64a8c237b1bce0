import type { Fixture } from './fixture';
import { DEEP_PAGE, SEARCH_PAGE_SIZE, searchers, searchPath, type SearchPages } from './workloads';

interface OpenApi {
  paths: Record<
    string,
    { post?: { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } } }
  >;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

/**
 * The path of a call that creates a client with family members in one request, if the running API
 * has one: a POST whose body schema takes `familyMembers`, as its OpenAPI document describes it.
 */
export async function oneCallCreatePath(port: number): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/docs-json`);
  if (!response.ok) return undefined;
  const document = (await response.json()) as OpenApi;
  for (const [path, item] of Object.entries(document.paths)) {
    const ref = item.post?.requestBody?.content?.['application/json']?.schema?.$ref;
    const schema = ref ? document.components?.schemas?.[ref.split('/').pop()!] : undefined;
    // Under /clients only: intake acceptance also takes family members, into an intake, not a client.
    const clients = path.replace(/\/$/, '').endsWith('/clients') || path.includes('/clients/');
    if (
      clients &&
      !path.includes('{') &&
      schema?.properties &&
      'familyMembers' in schema.properties
    ) {
      return path;
    }
  }
  return undefined;
}

/**
 * Walks each searcher's result pages once, to hand the page-50 workloads a cursor. A caseload too
 * small for 50 pages gives its deepest full page instead, which the workload's name then shows: a
 * short last page shows (and audits) fewer clients, so it is not the same work as page 1.
 */
export async function findSearchPages(port: number, fixture: Fixture): Promise<SearchPages> {
  const pages = {} as SearchPages;
  for (const [role, person] of Object.entries(searchers(fixture)) as [
    keyof SearchPages,
    { token: string },
  ][]) {
    let cursor: string | undefined;
    let deepest: SearchPages[keyof SearchPages] = { cursor: undefined, page: 1 };
    for (let page = 1; page <= DEEP_PAGE; page += 1) {
      const response = await fetch(`http://127.0.0.1:${port}${searchPath(cursor)}`, {
        headers: { authorization: `Bearer ${person.token}` },
      });
      if (!response.ok)
        throw new Error(`search as ${role} answered ${response.status}: ${await response.text()}`);
      const { data, nextCursor } = (await response.json()) as {
        data: unknown[];
        nextCursor: string | null;
      };
      if (data.length < SEARCH_PAGE_SIZE) break;
      deepest = { cursor, page };
      if (!nextCursor) break;
      cursor = nextCursor;
    }
    pages[role] = deepest;
  }
  return pages;
}

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import request from 'supertest';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROBLEM_TYPE = /^urn:family-therapy:problem:(.+)$/;

interface DocumentedOperation {
  method: string;
  template: string;
  pattern: RegExp;
  parameters: number;
  operation: Json;
}

/**
 * Holds every test app to its OpenAPI document: each problem the app answers with during a test
 * must be listed (`x-problem-codes`) under that status on the operation that answered it. A test
 * of any feature that makes a route answer a code its document does not list fails, at `close()`,
 * naming the route, status and code. Answers to paths no operation documents are left alone.
 */
export async function watchProblemAnswers(server: Server): Promise<() => string[]> {
  const answer = await request(server).get('/docs-json');
  if (answer.status !== 200) return () => [];
  const operations = documentedOperations(answer.body as Json);
  const violations = new Set<string>();
  server.prependListener('request', (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.end = ((...args: unknown[]) => {
      const [chunk] = args;
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
      return end(...args);
    }) as ServerResponse['end'];
    response.on('finish', () => {
      if (response.statusCode < 400) return;
      if (!String(response.getHeader('content-type') ?? '').includes('problem+json')) return;
      const code = problemCode(Buffer.concat(chunks).toString('utf8'));
      const path = (incoming.url ?? '').split('?')[0]!;
      const documented = operationFor(operations, incoming.method ?? '', path);
      if (!code || !documented) return;
      const listed = documented.operation.responses?.[String(response.statusCode)]?.[
        'x-problem-codes'
      ] as string[] | undefined;
      if (!listed?.includes(code)) {
        violations.add(
          `${documented.method.toUpperCase()} ${documented.template} answered ${response.statusCode} ${code}, which its document does not list`,
        );
      }
    });
  });
  return () => [...violations];
}

function problemCode(body: string): string | undefined {
  try {
    const type = (JSON.parse(body) as { type?: unknown }).type;
    return typeof type === 'string' ? PROBLEM_TYPE.exec(type)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

function documentedOperations(document: Json): DocumentedOperation[] {
  return Object.entries(document.paths as Json).flatMap(([template, item]) =>
    Object.entries(item as Json).map(([method, operation]) => ({
      method,
      template,
      operation: operation as Json,
      parameters: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp(
        `^${template
          .split(/\{\w+\}/)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}/?$`,
      ),
    })),
  );
}

/** The operation a request reached: literal segments win over parameters, as in the router. */
function operationFor(
  operations: DocumentedOperation[],
  method: string,
  path: string,
): DocumentedOperation | undefined {
  return operations
    .filter(
      (candidate) => candidate.method === method.toLowerCase() && candidate.pattern.test(path),
    )
    .sort((a, b) => a.parameters - b.parameters)[0];
}

import type { Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { version } from '../../package.json';

/**
 * Attributes the instrumentations may set that can identify a person: the caller's address (a
 * prospective client on the intake form) and anything carrying a query string (name searches).
 */
const DROPPED_ATTRIBUTES = new Set([
  'http.client_ip',
  'client.address',
  'net.peer.ip',
  'network.peer.address',
  'net.sock.peer.addr',
  'url.query',
  'db.query.parameter',
]);
const URL_ATTRIBUTES = new Set(['http.target', 'http.url', 'url.full', 'http.route']);

/** Keeps only what cannot name a person: no addresses, URLs without their query string. */
export function scrubAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED_ATTRIBUTES.has(key) || key.startsWith('db.query.parameter.')) continue;
    kept[key] = URL_ATTRIBUTES.has(key) && typeof value === 'string' ? value.split('?')[0] : value;
  }
  return kept;
}

/** Hands the exporter each finished span with its attributes scrubbed. */
class ScrubbingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(...args: Parameters<SpanProcessor['onStart']>): void {
    this.next.onStart(...args);
  }

  onEnd(span: ReadableSpan): void {
    const attributes = scrubAttributes(span.attributes);
    this.next.onEnd(Object.create(span, { attributes: { value: attributes } }) as ReadableSpan);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

export interface TracingOptions {
  /** Where spans go; by default OTLP over HTTP, configured by the standard `OTEL_*` variables. */
  exporter?: SpanExporter;
  /** Export each span as it ends (tests); otherwise in batches. */
  immediate?: boolean;
}

/**
 * Starts tracing of incoming HTTP requests and PostgreSQL statements. Must run before `http` and
 * `pg` are loaded (see `tracing-preload.ts`, the first import of `main.ts`).
 *
 * The pg instrumentation records the statement text, which here is always parameterised SQL
 * (`$1`, `$2`; docs/database.md), and never the parameter values (`enhancedDatabaseReporting`
 * stays off): values are where names, dates of birth and notes travel.
 */
export function startTracing(options: TracingOptions = {}): NodeTracerProvider {
  const exporter = options.exporter ?? new OTLPTraceExporter();
  const processor = options.immediate
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': process.env.OTEL_SERVICE_NAME ?? 'family-therapy-api',
      'service.version': version,
    }),
    spanProcessors: [new ScrubbingSpanProcessor(processor)],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would drown the traces that matter.
        ignoreIncomingRequestHook: (request) => /^\/(health\/|metrics)/.test(request.url ?? ''),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  return provider;
}

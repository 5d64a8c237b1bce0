/**
 * On with `OTEL_ENABLED=true`, or when an OTLP endpoint is configured the standard way
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); `OTEL_SDK_DISABLED=true`
 * wins over both, as the specification says.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  if (/^(true|1|yes)$/i.test(env.OTEL_SDK_DISABLED ?? '')) return false;
  if (/^(true|1|yes)$/i.test(env.OTEL_ENABLED ?? '')) return true;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

import type { RunResult } from './measure';

/** One workload's figures: the median of each over its interleaved rounds. */
export interface ReportRow {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Cores busy in the server process (API or floor) while measured. */
  serverCpu: number;
  postgresCpu: number | undefined;
  /** API CPU milliseconds per operation: what each request costs the API itself. */
  serverCpuMsPerOp: number;
  /** ours / floor, for a workload that has a floor twin. */
  floorRatio?: number;
  runs: RunResult[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarize(name: string, runs: readonly RunResult[]): ReportRow {
  const of = (pick: (run: RunResult) => number) => median(runs.map(pick));
  const postgres = runs.every((run) => run.postgresCpu !== undefined)
    ? of((run) => run.postgresCpu!)
    : undefined;
  const rps = of((run) => run.rps);
  const serverCpu = of((run) => run.serverCpu);
  return {
    name,
    rps,
    p50: of((run) => run.p50),
    p99: of((run) => run.p99),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    serverCpu,
    postgresCpu: postgres,
    serverCpuMsPerOp: rps > 0 ? (serverCpu * 1000) / rps : Number.NaN,
    runs: [...runs],
  };
}

/** Sets `floorRatio` on each API row that has a floor twin: its throughput over the floor's. */
export function withFloorRatios(
  rows: ReportRow[],
  floorOf: ReadonlyMap<string, string>,
): ReportRow[] {
  return rows.map((row) => {
    const floorName = [...floorOf].find(([, api]) => api === row.name)?.[0];
    const floor = floorName ? rows.find((other) => other.name === floorName) : undefined;
    return floor && floor.rps > 0 ? { ...row, floorRatio: row.rps / floor.rps } : row;
  });
}

const fixed = (value: number | undefined, digits: number) =>
  value === undefined || !Number.isFinite(value) ? '' : value.toFixed(digits);

/** The Markdown table the README shows. */
export function table(rows: readonly ReportRow[]): string {
  const lines = [
    '| work | req/s | p50 ms | p99 ms | errors | server CPU | PostgreSQL CPU | server CPU ms/op | ours / floor |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    if (row.runs.every((run) => run.requests === 0)) {
      // Every request outlived the window (a smoke run's 2 s under load): no figure, not a zero.
      lines.push(`| ${row.name} | none completed in time | | | ${row.errors} | | | | |`);
      continue;
    }
    lines.push(
      `| ${row.name} | ${fixed(row.rps, 0)} | ${fixed(row.p50, 1)} | ${fixed(row.p99, 1)} | ${row.errors} | ` +
        `${fixed(row.serverCpu, 2)} | ${fixed(row.postgresCpu, 2)} | ${fixed(row.serverCpuMsPerOp, 2)} | ${fixed(row.floorRatio, 2)} |`,
    );
  }
  return lines.join('\n');
}

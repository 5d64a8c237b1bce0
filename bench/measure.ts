import autocannon from 'autocannon';
import { postgresSeconds, processSeconds } from './cpu';

/** One request of a workload; `context` is autocannon's per-connection object. */
export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: unknown;
}

export type Context = Record<string, unknown>;

/**
 * A workload: the requests one connection sends in turn (most have one; the three-call client
 * with family has three, the later ones using what the first answered), repeated until time is up.
 */
export interface Steps {
  steps: {
    next: (context: Context) => BenchRequest;
    onResponse?: (status: number, body: string, context: Context) => void;
  }[];
}

/** What one measured run of one workload against one server gave. */
export interface RunResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Non-2xx answers, socket errors and timeouts. */
  errors: number;
  /**
   * The errors by kind: each non-2xx status, `timeout` (no answer in 30 s) and `socket`, each with
   * the first answer's body (cut short), so a report shows what the API said.
   */
  errorKinds?: Record<string, { count: number; sample?: string }>;
  /** CPU seconds per second of wall time: 1.0 is one core busy. */
  serverCpu: number;
  postgresCpu: number | undefined;
}

export interface Target {
  port: number;
  pid: number;
  /** The PostgreSQL data folder, for its CPU; absent on a provided server. */
  dataDir: string | undefined;
}

export interface LoadShape {
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

type ErrorKinds = NonNullable<RunResult['errorKinds']>;

function fire(
  port: number,
  workload: Steps,
  connections: number,
  seconds: number,
  kinds: ErrorKinds = {},
) {
  const failed = (status: number, body: string) => {
    if (status >= 200 && status < 300) return;
    const kind = (kinds[String(status)] ??= { count: 0, sample: body.slice(0, 300) });
    kind.count += 1;
  };
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    timeout: 30,
    requests: workload.steps.map((step) => ({
      setupRequest: (request: autocannon.Request, context: Context) => {
        const { method, path, token, body } = step.next(context);
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (body !== undefined) headers['content-type'] = 'application/json';
        return {
          ...request,
          method,
          path,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        };
      },
      onResponse: (status: number, body: string, context: Context) => {
        failed(status, body);
        step.onResponse?.(status, body, context);
      },
    })),
  } as autocannon.Options);
}

/**
 * Waits until the server has finished the requests autocannon abandoned when its time was up
 * (it closes the sockets; the server still completes them), so that they are not counted in the
 * next window: until the server and PostgreSQL together use under a tenth of a core (30 s at most).
 */
async function settle(target: Target): Promise<void> {
  const busy = () =>
    processSeconds(target.pid) + (target.dataDir ? postgresSeconds(target.dataDir) : 0);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const before = busy();
    await new Promise((done) => setTimeout(done, 250));
    if ((busy() - before) / 0.25 < 0.1) return;
  }
}

/**
 * Warms the server up with the same load, then measures it: throughput, latency percentiles from
 * autocannon's histogram, errors, and the CPU the server and PostgreSQL used meanwhile.
 */
export async function measure(
  target: Target,
  workload: Steps,
  shape: LoadShape,
): Promise<RunResult> {
  if (shape.warmupSeconds > 0) {
    await fire(target.port, workload, shape.connections, shape.warmupSeconds);
    await settle(target);
  }
  const started = process.hrtime.bigint();
  const server = processSeconds(target.pid);
  const postgres = target.dataDir ? postgresSeconds(target.dataDir) : undefined;
  const kinds: ErrorKinds = {};
  const result = await fire(target.port, workload, shape.connections, shape.seconds, kinds);
  if (result.timeouts) kinds.timeout = { count: result.timeouts };
  // autocannon's `errors` already counts the timeouts among the socket errors.
  if (result.errors > result.timeouts) kinds.socket = { count: result.errors - result.timeouts };
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const requests = result.requests.total;
  const serverSeconds = processSeconds(target.pid) - server;
  const postgresUsed =
    target.dataDir && postgres !== undefined
      ? postgresSeconds(target.dataDir) - postgres
      : undefined;
  await settle(target);
  return {
    requests,
    seconds: wall,
    // A workload of several calls per operation counts operations (a client with family, not
    // calls), and only answered ones: an error answer is no throughput (nor in the latencies).
    rps: (requests - result.non2xx) / workload.steps.length / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
    ...(Object.keys(kinds).length ? { errorKinds: kinds } : {}),
    serverCpu: serverSeconds / wall,
    postgresCpu: postgresUsed === undefined ? undefined : postgresUsed / wall,
  };
}

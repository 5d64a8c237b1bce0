import { Agent, request } from 'node:http';

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
}

/**
 * Closed-loop load on the loopback interface: `concurrency` workers send requests back to back for
 * `seconds`, over keep-alive connections. Bounded in time; it stops by itself.
 */
export async function load(
  name: string,
  port: number,
  next: () => { path: string; token: string },
  options: { concurrency: number; seconds: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + options.seconds * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const { path, token } = next();
      const started = process.hrtime.bigint();
      const status = await get(agent, port, path, token);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (status !== 200) errors += 1;
    }
  };
  const startedAt = Date.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (Date.now() - startedAt) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    name,
    requests: latencies.length,
    errors,
    seconds,
    throughput: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}

function get(agent: Agent, port: number, path: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end();
  });
}

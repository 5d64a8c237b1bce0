import { parseProcStat } from './cpu';
import { topSelfTime } from './cpu-profile';
import type { RunResult } from './measure';
import { benchOptions } from './options';
import { median, summarize, table, withFloorRatios } from './report';
import { signAccessToken, verifyAccessToken } from './tokens';

const run = (rps: number, p99: number, serverCpu = 1, errors = 0): RunResult => ({
  requests: rps * 10,
  seconds: 10,
  rps,
  p50: p99 / 4,
  p99,
  errors,
  serverCpu,
  postgresCpu: 0.5,
});

describe('the benchmark report', () => {
  it('takes the median of each figure over the rounds, and adds up their errors', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const row = summarize('read', [run(900, 40, 1.8, 1), run(700, 90, 1.2), run(800, 30, 1.5, 2)]);
    expect(row).toMatchObject({ rps: 800, p99: 40, serverCpu: 1.5, errors: 3 });
    // 1.5 cores at 800 requests a second: 1.875 ms of API CPU per request.
    expect(row.serverCpuMsPerOp).toBeCloseTo(1.875);
  });

  it('sets ours / floor on the API row that has a floor twin, and on no other', () => {
    const rows = withFloorRatios(
      [summarize('read', [run(600, 1)]), summarize('read (floor)', [run(1000, 1)])],
      new Map([['read (floor)', 'read']]),
    );
    expect(rows[0]!.floorRatio).toBeCloseTo(0.6);
    expect(rows[1]!.floorRatio).toBeUndefined();
  });
});

it('shows a workload none of whose requests completed as such, not as 0 req/s', () => {
  const text = table([summarize('slow', [{ ...run(0, 0), requests: 0 }])]);
  expect(text).toContain('| slow | none completed in time |');
});

describe('the CPU readings', () => {
  it('reads utime+stime and cutime+cstime after a command name holding spaces and parentheses', () => {
    const line =
      '4242 (postgres: bench (x) idle) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 56 78 9 20 0 1 0 100 1000 50';
    expect(parseProcStat(line)).toEqual({ own: 1290, children: 87 });
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseProcStat('not a stat line')).toThrow('not a /proc stat line');
  });
});

describe('the CPU profile summary', () => {
  it('adds each sample’s interval to the frame on top, across callers of the same function', () => {
    const frame = (functionName: string, lineNumber: number) => ({
      functionName,
      url: 'file:///repo/dist/src/x.js',
      lineNumber,
    });
    const top = topSelfTime(
      {
        nodes: [
          { id: 1, callFrame: frame('verify', 9) },
          { id: 2, callFrame: frame('verify', 9) },
          { id: 3, callFrame: frame('', 1) },
        ],
        samples: [1, 2, 3, 1],
        timeDeltas: [1000, 3000, 2000, 2000],
        endTime: 9000,
      },
      '/repo',
    );
    expect(top[0]).toEqual({ name: 'verify', where: 'dist/src/x.js:10', ms: 6, share: 0.75 });
    expect(top[1]).toMatchObject({ name: '(anonymous)', ms: 2 });
  });

  it('counts only the samples inside the window, and never idle time', () => {
    const frame = (functionName: string) => ({ functionName, url: '', lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('startUp') },
        { id: 2, callFrame: frame('serve') },
        { id: 3, callFrame: frame('(idle)') },
      ],
      // Samples end at 1, 2, 3 and 4 ms; the profile ends at 4 ms.
      samples: [1, 2, 3, 2],
      timeDeltas: [1000, 1000, 1000, 1000],
      endTime: 4000,
    };
    const top = topSelfTime(profile, '/', { fromEndUs: 2000, toEndUs: 0 });
    expect(top).toEqual([{ name: 'serve', where: '', ms: 2, share: 1 }]);
  });
});

describe('the access tokens the benchmark signs', () => {
  const staff = { id: 's1', practiceId: 'p1', role: 'counselor', tokenVersion: 1 };
  const secret = 'x'.repeat(64);

  it('carry the claims the API checks and verify with the same secret only', () => {
    const token = signAccessToken(staff, secret);
    expect(verifyAccessToken(token, Buffer.from(secret))).toMatchObject({
      sub: 's1',
      pid: 'p1',
      role: 'counselor',
      typ: 'access',
      ver: 1,
      iss: 'family-therapy-api',
      aud: 'family-therapy-api',
    });
    expect(verifyAccessToken(token, Buffer.from('y'.repeat(64)))).toBeUndefined();
  });

  it('expire', () => {
    const token = signAccessToken(staff, secret, Date.now() - 2 * 3600_000);
    expect(verifyAccessToken(token, Buffer.from(secret))).toBeUndefined();
  });
});

describe('the options', () => {
  it('take flags over the environment, and --smoke shortens the runs', () => {
    const options = benchOptions(['--smoke', '--scale=0.1'], { BENCH_SCALE: '10' });
    expect(options).toMatchObject({ scale: 0.1, measureSeconds: 2, rounds: 1, mixSeconds: 5 });
    expect(benchOptions([], {})).toMatchObject({
      scale: 1,
      warmupSeconds: 3,
      measureSeconds: 10,
      rounds: 3,
      connections: 20,
      mixSeconds: 60,
    });
    expect(() => benchOptions(['--scale=0'], {})).toThrow('--scale / BENCH_SCALE');
  });

  it('seed into a temporary folder each run unless given a folder to keep', () => {
    expect(benchOptions([], {})).toMatchObject({
      dataDir: undefined,
      seedOnly: false,
      reseed: false,
    });
    expect(benchOptions(['--seed-only', '--reseed'], { BENCH_DATA_DIR: '/kept' })).toMatchObject({
      dataDir: '/kept',
      seedOnly: true,
      reseed: true,
    });
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** CPU time of a process, in clock ticks, from its `/proc/<pid>/stat` line. */
export interface CpuTicks {
  /** utime + stime: the process itself. */
  own: number;
  /** cutime + cstime: its children that have exited and been waited for. */
  children: number;
}

/**
 * Parses a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may itself
 * hold spaces or parentheses, so the fields are counted from the last `)`.
 */
export function parseProcStat(line: string): CpuTicks {
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14 to 17.
  const at = (field: number) => Number(fields[field - 3]);
  const ticks = { own: at(14) + at(15), children: at(16) + at(17) };
  if (!Number.isFinite(ticks.own) || !Number.isFinite(ticks.children)) {
    throw new Error(`not a /proc stat line: ${line.slice(0, 80)}`);
  }
  return ticks;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;
  return ticksPerSecond;
}

function read(pid: number): CpuTicks | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone between listing and reading
  }
}

/** CPU seconds a process has used so far. */
export function processSeconds(pid: number): number {
  return (read(pid)?.own ?? 0) / clockTicks();
}

/**
 * CPU seconds the PostgreSQL server has used so far: the postmaster, its live children (backends,
 * checkpointer, WAL writer…) and, through cutime, every child that has already exited, so a
 * backend ending between two readings is still counted.
 */
export function postgresSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const main = read(postmaster);
  if (!main) return 0;
  let ticks = main.own + main.children;
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8');
  for (const pid of children.trim().split(/\s+/).filter(Boolean)) {
    ticks += read(Number(pid))?.own ?? 0;
  }
  return ticks / clockTicks();
}

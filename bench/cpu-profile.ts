import { relative } from 'node:path';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that self time needs. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
  /** Microseconds, on the profile's own clock. */
  endTime: number;
}

/** A stretch of the profile, as microseconds before its end (a later stretch has smaller ones). */
export interface Window {
  fromEndUs: number;
  toEndUs: number;
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/**
 * Self time per function: each sample's interval goes to the frame on top of the stack then, and
 * frames of the same function (reached through different callers) are added together. Only the
 * samples inside `window` count (the measured load, not start-up), and idle time is no one's.
 */
export function topSelfTime(
  profile: CpuProfile,
  root: string,
  window: Window = { fromEndUs: Infinity, toEndUs: 0 },
  limit = 25,
): SelfTime[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = new Map<string, { name: string; where: string; us: number }>();
  let all = 0;
  const total = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  let at = profile.endTime - total;
  profile.samples.forEach((nodeId, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    at += us;
    const beforeEnd = profile.endTime - at;
    const frame = byNode.get(nodeId);
    if (!frame || frame.functionName === '(idle)') return;
    if (beforeEnd > window.fromEndUs || beforeEnd < window.toEndUs) return;
    all += us;
    const file = frame.url.startsWith('file://') ? frame.url.slice('file://'.length) : frame.url;
    const where = file
      ? `${file.startsWith('/') ? relative(root, file) : file}:${frame.lineNumber + 1}`
      : '';
    const key = `${frame.functionName}@${where}`;
    const entry = totals.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    totals.set(key, entry);
  });
  return [...totals.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map(({ name, where, us }) => ({ name, where, ms: us / 1000, share: all ? us / all : 0 }));
}

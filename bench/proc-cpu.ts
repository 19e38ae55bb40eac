// CPU time of another process, all its threads, from /proc/PID/stat (Linux): utime + stime, the
// measure of the switch benchmark that does not depend on who gets the machine's cores.

import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (sysconf(_SC_CLK_TCK), 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** µs of CPU (user + system, every thread) process `pid` has used so far; NaN where /proc is missing. */
export function processCpuUs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / TICKS_PER_SECOND; // fields 14 and 15: utime, stime
  } catch {
    return NaN;
  }
}

/** The pids of `root` and every process below it (children, their children...), from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** µs of CPU used so far by `root` and every process below it now (a cluster's workers, a database's backends). */
export function processTreeCpuUs(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (processCpuUs(pid) || 0), 0);
}

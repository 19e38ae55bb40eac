// CPU time of another process, all its threads, from /proc/PID/stat (Linux): utime + stime, the
// measure of the switch benchmark that does not depend on who gets the machine's cores.

import { readFileSync } from 'node:fs';

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

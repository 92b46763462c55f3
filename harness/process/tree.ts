// Ending a command means ending what it started too: `bun` runs tsc and cargo, `sh -c` runs its
// children, and they hold the output pipes open. Linux: descendants are found through /proc.
import { readdirSync, readFileSync } from 'node:fs';

function childrenOf(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return map; // no /proc: only the direct child is signalled
  }
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // the command name may contain spaces and parentheses: ppid is the 2nd field after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(ppid, [...(map.get(ppid) ?? []), Number(e)]);
    } catch {
      // exited meanwhile
    }
  }
  return map;
}

/** The pid and all its descendants, parents first. */
export function processTree(pid: number): number[] {
  const kids = childrenOf();
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of kids.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Signal a process and every descendant (collected before anything is signalled); returns the pids. */
export function killTree(pid: number, signal: NodeJS.Signals = 'SIGTERM'): number[] {
  const pids = processTree(pid);
  for (const p of pids) signalPid(p, signal);
  return pids;
}

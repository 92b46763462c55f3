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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * End a process tree: SIGTERM (to all at once, or to the descendants first and the root once they
 * are gone), then SIGKILL to whatever is left when the grace period ends.
 */
export async function endTree(pid: number, graceMs: number, order: 'tree' | 'descendants-first'): Promise<void> {
  const deadline = Date.now() + graceMs;
  const pids = processTree(pid);
  const descendants = pids.slice(1);
  if (order === 'descendants-first') {
    for (const p of descendants) signalPid(p, 'SIGTERM');
    while (descendants.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    signalPid(pid, 'SIGTERM');
  } else {
    for (const p of pids) signalPid(p, 'SIGTERM');
  }
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const p of pids) if (alive(p)) signalPid(p, 'SIGKILL');
}

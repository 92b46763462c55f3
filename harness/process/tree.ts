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

/** Running or stopped; an exited process waiting to be reaped (zombie) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: kill(0) is all we know
  }
}

/**
 * Stop the tree where it stands: each process is SIGSTOPped before its children are listed, and
 * the listing repeats until it finds nobody new. A stopped process cannot fork, so no child can be
 * born after the listing and orphaned by its parent's death (dash keeps `sh -c` as the parent of
 * what it runs: a `sleep` forked between a one-shot listing and the parent's SIGTERM was never
 * signalled and held the output pipe open).
 */
function freezeTree(pid: number): number[] {
  const frozen: number[] = [];
  const seen = new Set<number>();
  for (let round = 0; round < 50; round++) {
    const fresh = processTree(pid).filter((p) => !seen.has(p));
    if (!fresh.length) break;
    for (const p of fresh) {
      seen.add(p);
      signalPid(p, 'SIGSTOP');
      frozen.push(p);
    }
  }
  return frozen;
}

/** Everything still alive below any of `pids` (processes a TERM handler forked included). */
function aliveBelow(pids: readonly number[]): number[] {
  const all = new Set<number>();
  for (const p of pids) if (alive(p)) for (const q of processTree(p)) all.add(q);
  return [...all].filter(alive);
}

/**
 * End a process tree: SIGTERM (to all at once, or to the descendants first and the root once they
 * are gone), then SIGKILL to whatever is left when the grace period ends.
 */
export async function endTree(pid: number, graceMs: number, order: 'tree' | 'descendants-first'): Promise<void> {
  const deadline = Date.now() + graceMs;
  let pids: number[];
  if (order === 'descendants-first') {
    // the root (a gate's Vitest) keeps running while its workers clean up: not frozen
    pids = processTree(pid);
    const descendants = pids.slice(1);
    for (const p of descendants) signalPid(p, 'SIGTERM');
    while (descendants.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    signalPid(pid, 'SIGTERM');
  } else {
    pids = freezeTree(pid);
    // TERM stays pending on a stopped process and is delivered by CONT
    for (const p of pids) signalPid(p, 'SIGTERM');
    for (const p of pids) signalPid(p, 'SIGCONT');
  }
  while (aliveBelow(pids).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const p of aliveBelow(pids)) signalPid(p, 'SIGKILL');
}

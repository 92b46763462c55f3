// Starting the cleanup owner (owner-process.ts) from global setup, before anything is created.
// Vitest ends its main process about a millisecond after SIGINT/SIGTERM and its workers with it,
// so no handler of theirs can delete what the run made. The owner runs in its own session (a
// signal to Vitest's process group misses it) and, through `sh … &`, outside Vitest's process tree
// (a runner ending that tree, descendants first, would otherwise wait for it). Its only link to
// Vitest is a pipe: released on a normal end, end of file when Vitest dies.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { LEDGER_ENV } from './ledger.ts';

const OWNER_PROCESS = join(import.meta.dirname, 'owner-process.ts');

export type CleanupOwner = {
  /** The ledger the run's creates are recorded in (also in LEDGER_ENV of the workers). */
  ledger: string;
  /** Where the owner says what it did. */
  logPath: string;
  /** The run deleted what it created: the owner exits without deleting anything. */
  release: () => Promise<void>;
};

/** `dir` is the report dir's cleanup/ folder; `env` the run's (kubeconfig, run id). */
export async function startCleanupOwner(o: { dir: string; gate: string; env: Record<string, string | undefined> }): Promise<CleanupOwner> {
  mkdirSync(o.dir, { recursive: true });
  const ledger = join(o.dir, `${o.gate}.ledger.jsonl`);
  const logPath = join(o.dir, `${o.gate}.owner.log`);
  writeFileSync(ledger, '');
  const logFd = openSync(logPath, 'a');
  // fd 3, not stdin: sh gives an asynchronous list /dev/null as its stdin
  const sh = spawn('/bin/sh', ['-c', '"$@" &', 'sh', process.execPath, OWNER_PROCESS], {
    stdio: ['ignore', logFd, logFd, 'pipe'],
    detached: true,
    env: { ...o.env, [LEDGER_ENV]: ledger, UNIDESK_CI_CLEANUP_WATCHED_PID: String(process.pid) },
  });
  closeSync(logFd);
  const pipe = sh.stdio[3] as Writable & { unref?: () => void };
  // the pipe must not keep Vitest alive, nor its loss crash it
  pipe.unref?.();
  pipe.on('error', () => undefined);
  const [code] = (await once(sh, 'exit')) as [number | null];
  // unclassified: /bin/sh failing to put a process in the background is a broken runner, not a gate outcome
  if (code !== 0) throw new Error(`cleanup owner: /bin/sh exited with ${code}`);
  return {
    ledger,
    logPath,
    // bounded: an owner that died already (its log says why) must not hold up the teardown
    release: () =>
      new Promise<void>((resolve) => {
        setTimeout(resolve, 2000).unref();
        pipe.end('release\n', () => resolve());
      }),
  };
}

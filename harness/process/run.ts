// Running a command the way a CI step does: output captured (and optionally streamed line by line),
// a bounded tail kept for the failure report, secrets redacted, AbortSignal/timeout honoured.
import { spawn } from 'node:child_process';
import { redact } from '../redact.ts';
import { asUser, type SandboxUser } from './sandbox.ts';
import { endTree } from './tree.ts';

/**
 * How much of each of stdout and stderr a result keeps. Callers parse small outputs (a SHA, ref
 * lists, `buildah inspect` JSON: KiB to a few MiB); long build logs go through `onLine` and the
 * tail. 16 MiB per stream bounds the harness's memory without cutting a chatty build short: beyond
 * it the command runs on, the rest is not kept, and the result says `outputTruncated` so a parser
 * can refuse it instead of reading a cut-off text.
 */
export const MAX_KEPT_OUTPUT_BYTES = 16 * 1024 * 1024;

/** A line longer than this (output without newlines) goes to the tail/onLine in pieces, so the pending line stays bounded. */
const MAX_LINE_CHARS = 64 * 1024;
/** A tail line keeps this much: enough for any real error line, not for a base64 blob. */
const MAX_TAIL_LINE_CHARS = 4096;

export type RunOptions = {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs?: number;
  input?: string;
  /** Called with each redacted output line (stdout and stderr interleaved), e.g. for progress. */
  onLine?: (line: string) => void;
  /** Override of MAX_KEPT_OUTPUT_BYTES (per stream). */
  maxOutputBytes?: number;
  /** How many lines the tail keeps. */
  tailLines?: number;
  /** After SIGTERM (timeout/abort), how long the tree may clean up before SIGKILL. Default 2 s. */
  killGraceMs?: number;
  /**
   * `tree` (default): SIGTERM to the whole tree at once, so a shell script does not go on to its
   * next line. `descendants-first`: the workers first, their parent once they are gone — for a
   * Vitest run, whose workers must finish deleting what they created before the main process
   * exits and takes their IPC channel with it.
   */
  stopOrder?: 'tree' | 'descendants-first';
  /** Run as this uid/gid (setpriv, no_new_privs) instead of the harness's own: code of the commit under test. */
  user?: SandboxUser;
};

export type RunResult = {
  /** The command line as a CI engineer would type it (redacted). */
  command: string;
  exitCode: number;
  /** Signal that ended the process, if any. */
  signal?: string;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Set when stdout or stderr went past maxOutputBytes: that stream holds only its first bytes. */
  outputTruncated?: 'stdout' | 'stderr';
  /** Last lines of stdout+stderr interleaved, redacted. */
  tail: string;
  durationMs: number;
};

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(cmd: string, args: readonly string[]): string {
  return redact([cmd, ...args].map(quote).join(' '));
}

export function runProcess(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const tailMax = opts.tailLines ?? 40;
  const tail: string[] = [];
  let stdout = '';
  let stderr = '';
  const maxKept = opts.maxOutputBytes ?? MAX_KEPT_OUTPUT_BYTES;
  const kept = { out: 0, err: 0 };
  let outputTruncated: RunResult['outputTruncated'];
  const command = formatCommand(cmd, args);
  return new Promise((resolve, reject) => {
    const run = asUser(opts.user, cmd, args);
    const child = spawn(run.cmd, run.args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let timedOut = false;
    // A process that outlived its parent (`sh -c 'sleep 30 &'`) is no longer in the tree, yet holds
    // the output pipes: once the tree is ended (or was gone already), stop reading, so the command
    // ends at its bound, not when that orphan does. It gets EPIPE/SIGPIPE when it next writes.
    const releasePipes = () => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    // the whole process tree: grandchildren would otherwise keep the pipes (and the step) open
    const end = () => {
      if (child.pid === undefined) return;
      if (child.exitCode !== null || child.signalCode !== null) return releasePipes();
      void endTree(child.pid, opts.killGraceMs ?? 2000, opts.stopOrder ?? 'tree').then(() => setTimeout(releasePipes, 500).unref());
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          end();
        }, opts.timeoutMs)
      : undefined;
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      end();
    };
    if (opts.signal?.aborted) queueMicrotask(onAbort);
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const partial = { out: '', err: '' };
    const feed = (which: 'out' | 'err', chunk: Buffer) => {
      const text = chunk.toString('utf8');
      const room = maxKept - kept[which];
      const keep = chunk.length <= room ? text : chunk.subarray(0, Math.max(0, room)).toString('utf8');
      if (chunk.length > room) outputTruncated ??= which === 'out' ? 'stdout' : 'stderr';
      kept[which] += Math.min(chunk.length, Math.max(0, room));
      if (which === 'out') stdout += keep;
      else stderr += keep;
      const lines = (partial[which] + text).split('\n');
      partial[which] = lines.pop() ?? '';
      for (const l of lines) emit(l);
      if (partial[which].length > MAX_LINE_CHARS) {
        emit(partial[which]);
        partial[which] = '';
      }
    };
    const emit = (line: string) => {
      const clean = redact(line.replace(/\r/g, ''));
      // the tail goes into failure reports: a line of megabytes would swamp them
      tail.push(clean.length > MAX_TAIL_LINE_CHARS ? `${clean.slice(0, MAX_TAIL_LINE_CHARS)}… (${clean.length - MAX_TAIL_LINE_CHARS} more characters)` : clean);
      if (tail.length > tailMax) tail.shift();
      opts.onLine?.(clean);
    };
    child.stdout!.on('data', (c: Buffer) => feed('out', c));
    child.stderr!.on('data', (c: Buffer) => feed('err', c));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      // unclassified: callers classify ENOENT (not installed); any other spawn failure is a harness bug
      reject(Object.assign(new Error(`${command}: ${redact(err.message)}`), { code: (err as NodeJS.ErrnoException).code }));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      for (const w of ['out', 'err'] as const) if (partial[w]) emit(partial[w]);
      // as spawn({ signal }) does: an aborted command rejects (callers tell it from a failure)
      // unclassified: not a failure, the caller's own cancellation (AbortError)
      if (aborted) return reject(Object.assign(new Error(`${command}: aborted`), { name: 'AbortError', code: 'ABORT_ERR' }));
      resolve({
        command,
        exitCode: code ?? 128,
        signal: signal ?? undefined,
        timedOut,
        stdout: redact(stdout),
        stderr: redact(stderr),
        ...(outputTruncated ? { outputTruncated } : {}),
        tail: tail.join('\n'),
        durationMs: performance.now() - started,
      });
    });
  });
}

// One git invocation: isolated environment, redacted output, classified failure.
import { CiError, type FailureClass } from '../failure.ts';
import { formatBytes } from '../http/bounded-body.ts';
import { MAX_KEPT_OUTPUT_BYTES, runProcess, type RunResult } from '../process/run.ts';
import { classifyGitOutput } from './classify.ts';
import { gitEnv, type GitAccess } from './env.ts';

export type GitRunOptions = GitAccess & {
  cwd?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onLine?: (line: string) => void;
  /** Failure class when the output matches no known pattern (remote operations: network). */
  fallback?: FailureClass;
  /** Set when the caller interprets a non-zero exit itself. */
  allowFailure?: boolean;
  /** Extra variables for the git child (e.g. fixed commit dates). */
  extraEnv?: NodeJS.ProcessEnv;
};

export async function git(args: readonly string[], o: GitRunOptions = {}): Promise<RunResult> {
  let r: RunResult;
  try {
    r = await runProcess('git', args, { cwd: o.cwd, env: gitEnv(o, { ...process.env, ...o.extraEnv }), signal: o.signal, timeoutMs: o.timeoutMs, onLine: o.onLine });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CiError('input', 'git is not installed; install it with: apt-get install -y git');
    }
    throw new CiError('infra.network', `git was aborted: ${(e as Error).message}`);
  }
  // callers parse git's stdout: a cut-off ref list or file list must not pass as the whole
  if (r.outputTruncated) {
    throw new CiError('input', `${r.command} printed more ${r.outputTruncated} than the harness keeps (${formatBytes(MAX_KEPT_OUTPUT_BYTES)}): its output cannot be parsed whole`, {
      command: r.command,
      exitCode: r.exitCode,
      outputTail: r.tail,
    });
  }
  if (r.exitCode === 0 || o.allowFailure) return r;
  throw gitFailure(r, o);
}

/** A failed git run as its classified error (also for a caller that ran with allowFailure and looked first). */
export function gitFailure(r: RunResult, o: Pick<GitRunOptions, 'timeoutMs' | 'fallback'> = {}): CiError {
  if (r.timedOut) {
    return new CiError('infra.network', `${r.command} timed out after ${o.timeoutMs} ms`, { command: r.command, exitCode: r.exitCode, outputTail: r.tail });
  }
  const { failureClass, why } = classifyGitOutput(r.tail, o.fallback);
  const lines = r.tail.split('\n');
  const firstFatal = lines.find((l) => l.startsWith('fatal:')) ?? lines.find((l) => l.startsWith('error:')) ?? lines.at(-1) ?? '';
  return new CiError(failureClass, `${why}: ${firstFatal}`, { command: r.command, exitCode: r.exitCode, outputTail: r.tail });
}

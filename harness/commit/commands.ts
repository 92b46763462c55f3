// How a commit-gate step runs a repository command: in the checkout, with the egress proxy for
// dependency downloads, the CI tool's own bun/tsc on PATH, progress lines, and a classified failure
// (a network failure while installing is infrastructure; anything else the command rejects is app).
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { RunConfig } from '../config.ts';
import { CiError, type FailureClass } from '../failure.ts';
import { runProcess } from '../process/run.ts';
import type { SandboxUser } from '../process/sandbox.ts';

const TOOL_ROOT = join(import.meta.dirname, '..', '..');

/**
 * PATH with unidesk-ci's node_modules/.bin (bun, tsc) and rustup's cargo when present. For another
 * uid (`sandboxed`) only directories any uid may search: rustup's /root/.cargo is not its to run
 * (the image's Debian cargo in /usr/bin is).
 */
export function toolPath(base = process.env.PATH ?? '', sandboxed = false): string {
  const extra = [join(TOOL_ROOT, 'node_modules', '.bin'), join(homedir(), '.cargo', 'bin')].filter((d) => existsSync(d));
  return [...extra, ...base.split(delimiter)].filter((d) => d && (!sandboxed || searchableByAll(d))).join(delimiter);
}

/** Whether every directory from / down to `dir` lets other uids through (o+x). */
function searchableByAll(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      if (!(statSync(d).mode & 0o001)) return false;
    } catch {
      return false;
    }
    if (d === dirname(d)) return true;
  }
}

/** Where repository code lives and keeps its caches: a HOME and TMPDIR of its own (checkout.ts). */
export type RepoSandbox = { user?: SandboxUser; home: string; tmp: string };

/** What repository code may take from the harness's environment: locale and terminal, nothing else. */
const INHERITED = ['LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM', 'NO_COLOR'];
/** The current user's own toolchain locations, when repository code runs as that user (a laptop). */
const SAME_USER = ['RUSTUP_HOME', 'CARGO_HOME'];

/**
 * The environment of repository code, built from an allowlist (never process.env minus a
 * denylist): PATH, HOME, TMPDIR, CI, locale, the egress proxy and the step's own `extra`. No
 * variable of the run (credentials, their mount path, the store URL, KUBECONFIG) can reach it.
 */
export function stepEnv(config: RunConfig, extra: Record<string, string> = {}, sandbox?: RepoSandbox, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const sandboxed = sandbox?.user !== undefined;
  const env: NodeJS.ProcessEnv = { PATH: toolPath(base.PATH ?? '', sandboxed), CI: 'true' };
  for (const k of [...INHERITED, ...(sandboxed ? [] : SAME_USER)]) if (base[k] !== undefined) env[k] = base[k];
  env.HOME = sandbox?.home ?? base.HOME ?? homedir();
  if (sandbox?.tmp) env.TMPDIR = sandbox.tmp;
  if (config.proxy.url) env.HTTP_PROXY = env.HTTPS_PROXY = env.http_proxy = env.https_proxy = config.proxy.url;
  if (config.proxy.noProxy) env.NO_PROXY = env.no_proxy = config.proxy.noProxy;
  return { ...env, ...extra };
}

/** The file a command name runs, looked up as execvp does (undefined: not installed). */
function onPath(cmd: string, path = ''): string | undefined {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : undefined;
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((d) => join(d, cmd))
    .find((f) => existsSync(f));
}

const NETWORK = /ConnectionRefused|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|failed to resolve|getaddrinfo|proxy.*(refused|error|407|502|503)|Received HTTP code \d+ from proxy/i;

export type RepoCommand = {
  cmd: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs: number;
  label: string;
  /** What running out of time means: a hanging install is the network first; a slow check is the app. */
  timeoutClass?: FailureClass;
  /** Run as this uid (harness/process/sandbox.ts); the current user when unset. */
  user?: SandboxUser;
};

export async function runRepoCommand(c: RepoCommand): Promise<void> {
  const t0 = performance.now();
  console.log(`[commit : ${c.label}] $ ${[c.cmd, ...c.args].join(' ')}`);
  // looked up first: behind setpriv a missing tool would be setpriv's exit 127, not ENOENT
  const notInstalled = () =>
    new CiError('input', `${c.cmd} is not installed on this CI runner; install it (bun: npm ci in unidesk-ci; cargo: apt-get install -y cargo)`, { command: [c.cmd, ...c.args].join(' ') });
  if (!onPath(c.cmd, c.env.PATH)) throw notInstalled();
  const r = await runProcess(c.cmd, c.args, {
    user: c.user,
    cwd: c.cwd,
    env: c.env,
    signal: c.signal,
    timeoutMs: c.timeoutMs,
    onLine: (l) => console.log(`[commit : ${c.label}] ${l}`),
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw notInstalled();
    throw e;
  });
  console.log(`[commit : ${c.label}] exit ${r.exitCode} after ${Math.round(performance.now() - t0)} ms`);
  if (r.exitCode === 0) return;
  const details = { command: r.command, exitCode: r.exitCode, outputTail: r.tail };
  if (r.timedOut) throw new CiError(c.timeoutClass ?? 'infra.network', `${r.command} did not finish within ${c.timeoutMs} ms (UNIDESK_CI_WAIT_MS)`, details);
  if (NETWORK.test(r.tail)) throw new CiError('infra.network', `${r.command} could not download through the egress proxy (exit ${r.exitCode})`, details);
  throw new CiError('app', `${r.command} failed with exit code ${r.exitCode}: ${headline(r.tail)}`, details);
}

/** The line a CI engineer wants first: the first compiler/bun error, else the last line mentioning one. */
export function headline(tail: string): string {
  const lines = tail
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /\berror(\[E\d{4}\]| TS\d+)?:/i.test(l)) ?? lines.filter((l) => /error/i.test(l)).at(-1) ?? lines.at(-1) ?? '';
}

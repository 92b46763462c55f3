// How a commit-gate step runs a repository command: in the checkout, with the egress proxy for
// dependency downloads, the CI tool's own bun/tsc on PATH, progress lines, and a classified failure
// (a network failure while installing is infrastructure; anything else the command rejects is app).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { RunConfig } from '../../harness/config.ts';
import { CiError, type FailureClass } from '../../harness/failure.ts';
import { runCommand } from '../../harness/process/run.ts';

const TOOL_ROOT = join(import.meta.dirname, '..', '..');

/** PATH with unidesk-ci's node_modules/.bin (bun, tsc) and rustup's cargo when present. */
export function toolPath(base = process.env.PATH ?? ''): string {
  const extra = [join(TOOL_ROOT, 'node_modules', '.bin'), join(homedir(), '.cargo', 'bin')].filter((d) => existsSync(d));
  return [...extra, base].join(delimiter);
}

export function stepEnv(config: RunConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: toolPath(), CI: 'true', ...extra };
  for (const k of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) delete env[k];
  // secrets of the run never reach repository code, nor where the git credentials are mounted
  for (const k of Object.keys(env)) if (/^UNIDESK_CI_(GIT_\w+|METRICS_DATABASE_URL)$/.test(k)) delete env[k];
  if (config.proxy.url) env.HTTP_PROXY = env.HTTPS_PROXY = env.http_proxy = env.https_proxy = config.proxy.url;
  if (config.proxy.noProxy) env.NO_PROXY = env.no_proxy = config.proxy.noProxy;
  return env;
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
};

export async function runRepoCommand(c: RepoCommand): Promise<void> {
  const t0 = performance.now();
  console.log(`[commit : ${c.label}] $ ${[c.cmd, ...c.args].join(' ')}`);
  const r = await runCommand(c.cmd, c.args, {
    cwd: c.cwd,
    env: c.env,
    signal: c.signal,
    timeoutMs: c.timeoutMs,
    onLine: (l) => console.log(`[commit : ${c.label}] ${l}`),
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new CiError('input', `${c.cmd} is not installed on this CI runner; install it (bun: npm ci in unidesk-ci; cargo: apt-get install -y cargo)`, { command: [c.cmd, ...c.args].join(' ') });
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
  const lines = tail.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /\berror(\[E\d{4}\]| TS\d+)?:/i.test(l)) ?? lines.filter((l) => /error/i.test(l)).at(-1) ?? lines.at(-1) ?? '';
}

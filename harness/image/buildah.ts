// buildah without a Docker engine: `--isolation chroot` (crun refuses hybrid cgroups), the base
// pulled only when missing from the build storage (through the egress proxy on D601; from the lab
// registry by the lab's registries.conf), push with --digestfile.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CiError, type FailureClass } from '../failure.ts';
import { runProcess, type RunResult } from '../process/run.ts';
import { buildCacheArgs } from './build-cache.ts';
import { baseImageFailure } from './base-image-failure.ts';

export type BuildahOptions = { env?: NodeJS.ProcessEnv; signal?: AbortSignal; timeoutMs?: number; onLine?: (line: string) => void };

export async function buildah(args: readonly string[], o: BuildahOptions, failure: FailureClass, what: string): Promise<RunResult> {
  let r: RunResult;
  try {
    r = await runProcess('buildah', args, { env: o.env, signal: o.signal, timeoutMs: o.timeoutMs, onLine: o.onLine });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CiError('input', 'buildah is not installed; install it with: apt-get install -y buildah');
    throw new CiError(failure, `${what} was aborted: ${(e as Error).message}`);
  }
  if (r.exitCode !== 0) {
    const why = r.timedOut ? `timed out after ${o.timeoutMs} ms` : `exit code ${r.exitCode}`;
    throw new CiError(failure, `${what} failed (${why})`, { command: r.command, exitCode: r.exitCode, outputTail: r.tail });
  }
  return r;
}

export type BuildSpec = {
  contextDir: string;
  dockerfile: string;
  tag: string;
  labels: Record<string, string>;
  /** Registry repository holding the layer cache across runs (build-cache.ts); unset: local layers only. */
  cacheRepository?: string;
};

/**
 * A Dockerfile that does not build is the application's failure, not the infrastructure's; a base
 * image that cannot be pulled is the registry's (infra.registry, naming the image).
 */
export async function buildImage(spec: BuildSpec, o: BuildahOptions): Promise<void> {
  const labels = Object.entries(spec.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  const cache = buildCacheArgs(spec.cacheRepository);
  const args = ['build', '--isolation', 'chroot', '--pull=missing', '--layers', ...cache, '-f', join(spec.contextDir, spec.dockerfile), '-t', spec.tag, ...labels, spec.contextDir];
  try {
    await buildah(args, o, 'app', `buildah build of ${spec.dockerfile}`);
  } catch (e) {
    throw baseImageFailure(e, spec.dockerfile) ?? e;
  }
}

/** Push to the registry; returns the manifest digest buildah wrote to --digestfile. */
export async function pushImage(local: string, remote: string, o: BuildahOptions): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'unidesk-ci-push-'));
  try {
    const digestFile = join(dir, 'digest');
    await buildah(['push', '--tls-verify=false', '--digestfile', digestFile, local, `docker://${remote}`], o, 'infra.registry', `buildah push to ${remote}`);
    const digest = (await readFile(digestFile, 'utf8')).trim();
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new CiError('infra.registry', `buildah push to ${remote} wrote no digest (${JSON.stringify(digest)})`);
    return digest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

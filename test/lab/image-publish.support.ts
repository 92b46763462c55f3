// Shared by the publication lab tests: a lab with git (over HTTP, through the proxy) and the
// registry, a buildah wrapper that records every invocation (the "nothing built" proof), traps for
// every command a producer must never run (docker, kubectl, systemctl, ctr, ...), and a
// publish call with a given set of UNIDESK_CI_* overrides.
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../harness/config.ts';
import { publishBackendCoreImage } from '../../harness/image/publish/index.ts';
import { which } from '../../fixtures/lab/system.ts';
import type { Lab } from '../../fixtures/lab/index.ts';

export type BuildahSpy = { dir: string; log: string; calls: () => Promise<string[]>; forbidden: () => Promise<string[]> };

/** What a producer must never run: container engines, cluster and service managers, runtimes. */
export const FORBIDDEN = ['docker', 'docker-compose', 'podman', 'kubectl', 'k3s', 'systemctl', 'service', 'ctr', 'nerdctl', 'crictl', 'skopeo'];

export async function buildahSpy(parent: string): Promise<BuildahSpy> {
  const dir = await mkdtemp(join(parent, 'buildah-spy-'));
  const log = join(dir, 'calls.log');
  const real = which('buildah');
  if (!real) throw new Error('buildah is not installed; install it with: apt-get install -y buildah');
  await writeFile(join(dir, 'buildah'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  await chmod(join(dir, 'buildah'), 0o755);
  const forbiddenLog = join(dir, 'forbidden.log');
  for (const bin of FORBIDDEN) {
    await writeFile(join(dir, bin), `#!/bin/sh\necho "${bin} $*" >> '${forbiddenLog}'\nexit 97\n`);
    await chmod(join(dir, bin), 0o755);
  }
  const lines = async (f: string) => (existsSync(f) ? (await readFile(f, 'utf8')).split('\n').filter(Boolean) : []);
  return { dir, log, calls: () => lines(log), forbidden: () => lines(forbiddenLog) };
}

export function labCommits(lab: Lab): Record<string, string> {
  return JSON.parse(lab.env.LAB_GIT_COMMITS) as Record<string, string>;
}

export async function publishWith(lab: Lab, spy: BuildahSpy, overrides: Record<string, string | undefined>, reportDir: string) {
  const env = { ...process.env, ...lab.env, UNIDESK_CI_REPORT_DIR: reportDir, PATH: `${spy.dir}:${process.env.PATH}`, ...overrides };
  const config = loadConfig(env);
  return publishBackendCoreImage({ config, env, log: () => undefined });
}

/** Tags the registry holds for backend-core (empty when the repository does not exist). */
export async function registryTags(registry: string): Promise<string[]> {
  const res = await fetch(`http://${registry}/v2/unidesk/backend-core/tags/list`);
  if (res.status === 404) return [];
  const body = (await res.json()) as { tags?: string[] | null };
  return body.tags ?? [];
}

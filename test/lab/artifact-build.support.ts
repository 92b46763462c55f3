// Shared by the build isolation and build cache lab tests: buildah as the rendered artifact Task
// runs it (only the Task's added capabilities, no privilege escalation: `setpriv`, the stand-in for
// the container's securityContext on this machine), a fresh build storage per publication (the
// Task's emptyDir), and a publication whose log is kept.
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../harness/config.ts';
import { publishBackendCoreImage } from '../../harness/image/publish/index.ts';
import { writeStorageConf } from '../../harness/image/storage-conf.ts';
import { REPO_ROOT } from '../../harness/tekton/index.ts';
import { which } from '../../fixtures/lab/system.ts';
import type { Lab } from '../../fixtures/lab/index.ts';

type Any = Record<string, any>;

/** The artifact gate step's securityContext, as k3s/ci has it. */
export async function artifactStepSecurityContext(): Promise<Any> {
  const task = parse(await readFile(join(REPO_ROOT, 'k3s/ci/backend-core-artifact.task.yaml'), 'utf8')) as Any;
  return task.spec.steps.find((s: Any) => s.name === 'artifact-gate').securityContext;
}

/** A directory with a `buildah` that runs the real one with only the Task's capabilities (bounding set = permitted set for root). */
export async function taskCapsBuildah(parent: string): Promise<{ dir: string; capabilities: string[] }> {
  const sc = await artifactStepSecurityContext();
  if (sc.privileged !== false || !sc.capabilities.drop.includes('ALL')) throw new Error('the artifact step is not unprivileged with drop ALL');
  const capabilities: string[] = sc.capabilities.add;
  const real = which('buildah');
  const setpriv = which('setpriv');
  if (!real || !setpriv) throw new Error('buildah and setpriv (util-linux) are needed: apt-get install -y buildah util-linux');
  const dir = await mkdtemp(join(parent, 'task-caps-'));
  const bounding = ['-all', ...capabilities.map((c) => `+${c.toLowerCase()}`)].join(',');
  const noNewPrivs = sc.allowPrivilegeEscalation === false ? '--no-new-privs ' : '';
  await writeFile(join(dir, 'buildah'), `#!/bin/sh\nexec '${setpriv}' ${noNewPrivs}--inh-caps -all --bounding-set ${bounding} '${real}' "$@"\n`);
  await chmod(join(dir, 'buildah'), 0o755);
  return { dir, capabilities };
}

export type Published = { result?: Awaited<ReturnType<typeof publishBackendCoreImage>>; error?: unknown; log: string[] };

/** Publish `revision` with a fresh build storage and the given PATH prefix; never throws (the error is returned). */
export async function publishFresh(lab: Lab, o: { revision: string; pathPrefix: string; env?: Record<string, string> }): Promise<Published> {
  const storage = await mkdtemp(join(lab.dir, 'emptydir-'));
  await mkdir(storage, { recursive: true });
  const reportDir = await mkdtemp(join(lab.dir, 'reports-'));
  const env = {
    ...process.env,
    ...lab.env,
    ...o.env,
    CONTAINERS_STORAGE_CONF: await writeStorageConf(storage, 'vfs'),
    UNIDESK_CI_REPORT_DIR: reportDir,
    UNIDESK_CI_REVISION: o.revision,
    PATH: `${o.pathPrefix}:${process.env.PATH}`,
  };
  const log: string[] = [];
  try {
    return { result: await publishBackendCoreImage({ config: loadConfig(env), env, log: (l) => log.push(l) }), log };
  } catch (error) {
    return { error, log };
  }
}

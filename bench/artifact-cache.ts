// The build cache half of `npm run bench:artifact`: a cold build (a commit whose layers the cache
// repository has never seen) against a warm one (the next commit, one source file changed), each
// publication from an empty build storage as the Task's emptyDir gives it, side by side per round.
// Each round pushes its own pair of fixture commits (a salt in the Dockerfile's comment changes
// every cache key), so every cold build really is cold. The dependency layer is a fixed stand-in
// (DEPS_SECONDS of sleep: the lab's base has no cargo): on D601 that layer is the crate build.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { deleteTag, median, registryTags } from './support.ts';
import { loadConfig } from '../harness/config.ts';
import { publishBackendCoreImage } from '../harness/image/publish/index.ts';
import { writeStorageConf } from '../harness/image/storage-conf.ts';
import { artifactVariants, DEPS_SECONDS, pushArtifactVariants } from '../fixtures/repos/artifact-variants.ts';

type Env = Record<string, string>;

/** Publish `revision` from an empty build storage; returns seconds and how many steps were cache hits. */
async function publishTimed(env: Env, work: string, revision: string): Promise<{ seconds: number; hits: number }> {
  const dir = await mkdtemp(join(work, 'emptydir-'));
  try {
    const e = { ...process.env, ...env, CONTAINERS_STORAGE_CONF: await writeStorageConf(dir, 'vfs'), UNIDESK_CI_REPORT_DIR: join(dir, 'reports'), UNIDESK_CI_REVISION: revision };
    let hits = 0;
    const t0 = performance.now();
    const out = await publishBackendCoreImage({ config: loadConfig(e), env: e, log: (l) => void (l.startsWith('buildah: --> Using cache ') && hits++) });
    if (!out.built) throw new Error(`bench: ${revision} was not built`);
    return { seconds: (performance.now() - t0) / 1000, hits };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Empty <registry>/<repository> (the bench's other sides must not build from the cache). */
export async function clearRepository(registry: string, repository: string): Promise<void> {
  for (const tag of await registryTags(registry, repository)) await deleteTag(registry, repository, tag);
}

/** Rounds of cold then warm; returns the table's lines. */
export async function benchBuildCache(env: Env, rounds: number, log: (line: string) => void): Promise<string[]> {
  const work = await mkdtemp(join(env.LAB_GIT_ROOT, '..', 'bench-cache-'));
  const cold: number[] = [];
  const warm: number[] = [];
  let hits = 0;
  try {
    for (let i = 0; i < rounds; i++) {
      const v = artifactVariants(`round-${i + 1}-${Date.now()}`);
      await pushArtifactVariants(join(env.LAB_GIT_ROOT, 'unidesk.git'), [v.cacheBase, v.cacheChange]);
      const c = await publishTimed(env, work, v.cacheBase.branch);
      const w = await publishTimed(env, work, v.cacheChange.branch);
      cold.push(c.seconds);
      warm.push(w.seconds);
      hits = w.hits;
      log(`bench build cache: round ${i + 1}/${rounds} cold ${c.seconds.toFixed(2)} s (${c.hits} cache hits) | warm ${w.seconds.toFixed(2)} s (${w.hits} cache hits)`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const [mc, mw] = [median(cold), median(warm)];
  return [
    `\nbuild cache: publication from an empty build storage, cold vs warm (one source file changed; medians of ${rounds} rounds; dependency layer ${DEPS_SECONDS} s)`,
    `cold (no cached layer) ${mc.toFixed(2).padStart(6)} s | warm (${hits} layers from ${env.UNIDESK_CI_REGISTRY}/unidesk/backend-core-cache) ${mw.toFixed(2).padStart(6)} s  ratio ${(mw / mc).toFixed(2)}  (-${(mc - mw).toFixed(2)} s)`,
  ];
}

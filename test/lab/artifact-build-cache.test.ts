// The build cache across runs (docs/build-isolation.md, "Build cache"): every publication starts
// from an empty build storage (the Task's emptyDir), as the Task's capabilities allow. Publishing a
// second commit that changes one source file reuses the first one's layers from the loopback
// registry (<registry>/unidesk/backend-core-cache): the dependency layers are cache hits, the
// changed sources and what follows are rebuilt; the cache repository holds only cache-key tags.
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { useLab } from '../support/lab.ts';
import { artifactVariants, pushArtifactVariants } from '../../fixtures/repos/artifact-variants.ts';
import { publishFresh, taskCapsBuildah, type Published } from './artifact-build.support.ts';

const lab = useLab(['proxy', 'git', 'registry']);
const v = artifactVariants();
let caps: Awaited<ReturnType<typeof taskCapsBuildah>>;
let commits: Record<string, string>;

beforeAll(async () => {
  caps = await taskCapsBuildah(lab.dir);
  commits = await pushArtifactVariants(join(lab.env.LAB_GIT_ROOT, 'unidesk.git'), [v.cacheBase, v.cacheChange]);
}, 120_000);

/** Per Dockerfile step after FROM: "STEP 3/6: RUN ..." → whether buildah reused a cached layer for it. */
function steps(p: Published): { step: string; cached: boolean }[] {
  const out: { step: string; cached: boolean }[] = [];
  for (const line of p.log) {
    const step = /^buildah: STEP \d+\/\d+: (.*)$/.exec(line)?.[1];
    if (step) out.push({ step, cached: false });
    else if (/^buildah: --> Using cache /.test(line) && out.length) out.at(-1)!.cached = true;
  }
  // FROM is the base; the --label flags come last as LABEL steps (the commit's labels: never cached)
  return out.filter((s) => !/^(FROM|LABEL) /.test(s.step));
}

describe('build cache in the loopback registry', () => {
  let cold: Published;
  let warm: Published;

  test('the first commit builds every layer and writes them to the cache repository', async () => {
    cold = await publishFresh(lab, { revision: v.cacheBase.branch, pathPrefix: caps.dir });
    expect(cold.error, cold.log.slice(-40).join('\n')).toBeUndefined();
    expect(cold.result!.commit).toBe(commits[v.cacheBase.branch]);
    expect(steps(cold).map((s) => s.cached)).toEqual([false, false, false, false, false]);
    const tags = await cacheTags();
    expect(tags.length).toBeGreaterThanOrEqual(4);
    // cache keys only: never latest, never a commit tag
    for (const t of tags) expect(t).toMatch(/^[0-9a-f]{64}$/);
  }, 300_000);

  test('a second commit changing one source file, from an empty storage, reuses the unchanged layers and rebuilds the rest', async () => {
    warm = await publishFresh(lab, { revision: v.cacheChange.branch, pathPrefix: caps.dir });
    expect(warm.error, warm.log.slice(-40).join('\n')).toBeUndefined();
    expect(warm.result!.commit).toBe(commits[v.cacheChange.branch]);
    const s = steps(warm);
    expect(s.map((x) => x.step.split(' ')[0])).toEqual(['COPY', 'RUN', 'COPY', 'RUN', 'CMD']);
    // manifest + dependency layer from the cache; the changed sources and what follows rebuilt
    expect(s.map((x) => x.cached)).toEqual([true, true, false, false, false]);
    expect(warm.result!.imageDigest).not.toBe(cold.result!.imageDigest);
  }, 300_000);
});

async function cacheTags(): Promise<string[]> {
  const res = await fetch(`http://${lab.env.UNIDESK_CI_REGISTRY}/v2/unidesk/backend-core-cache/tags/list`);
  if (res.status === 404) return [];
  return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
}

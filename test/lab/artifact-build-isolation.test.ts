// The artifact build as the rendered Task runs it (docs/build-isolation.md): buildah with only the
// Task's capabilities builds and pushes; a Dockerfile whose RUN hunts for the runner's secrets (its
// environment, the ServiceAccount token, other processes' environments and files, RUN --mount
// sources climbing out of the context) finds nothing; a base image the registry lacks is
// infra.registry naming the image.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { useLab } from '../support/lab.ts';
import { CiError } from '../../harness/failure.ts';
import { artifactVariants, MISSING_BASE, pushArtifactVariants } from '../../fixtures/repos/artifact-variants.ts';
import { publishFresh, taskCapsBuildah } from './artifact-build.support.ts';

const lab = useLab(['proxy', 'git', 'registry']);
const CANARY = `canary-${process.pid}-not-for-builds`;
let caps: Awaited<ReturnType<typeof taskCapsBuildah>>;
let commits: Record<string, string>;
let canaryFile: string;
const variants = () => artifactVariants('', canaryFile);

beforeAll(async () => {
  caps = await taskCapsBuildah(lab.dir);
  canaryFile = join(lab.dir, 'canary-token');
  await writeFile(canaryFile, CANARY, { mode: 0o600 });
  const v = variants();
  commits = await pushArtifactVariants(join(lab.env.LAB_GIT_ROOT, 'unidesk.git'), [v.probe, v.missingBase]);
}, 120_000);

describe("build isolation (the Task's capabilities, a fresh emptyDir storage)", () => {
  test("a RUN step looking for the runner's secrets finds none of them, and the build still publishes", async () => {
    const out = await publishFresh(lab, { revision: variants().probe.branch, pathPrefix: caps.dir, env: { UNIDESK_CI_CANARY: CANARY } });
    const log = out.log.join('\n');
    expect(out.error, log.slice(-3000)).toBeUndefined();
    expect(out.result!.commit).toBe(commits[variants().probe.branch]);
    const probes = out.log
      .map((l) => /^buildah: probe (\w+(?: \w+)?): (.*)$/.exec(l))
      .filter((m) => !!m)
      .map((m) => `${m[1]}: ${m[2]}`);
    // every probe ran (the RUN steps did run), and each said "denied"
    expect(probes.filter((p) => p.startsWith('denied: '))).toEqual([
      'denied: /var/run/secrets/kubernetes.io/serviceaccount/token',
      'denied: /run/secrets/kubernetes.io/serviceaccount/token',
      'denied: /proc/1/root/var/run/secrets/kubernetes.io/serviceaccount/token',
      'denied: /proc/1/environ',
      `denied: ${canaryFile}`,
      'denied: bind mount',
      'denied: cache mount',
    ]);
    expect(probes.filter((p) => /^(leaked|readable)/.test(p))).toEqual([]);
    expect(out.log).toContain('buildah: probe done');
    // the RUN environment is the image's, not the runner's: no UNIDESK_CI_*, no git password, no canary
    const env = probes.find((p) => p.startsWith('env: '))!;
    expect(env).toMatch(/PATH=/);
    expect(env).not.toMatch(/UNIDESK_CI_|CONTAINERS_|HTTP_PROXY/);
    expect(log).not.toContain(CANARY);
    expect(log).not.toContain(lab.env.UNIDESK_CI_GIT_PASSWORD);
  }, 300_000);

  test("a base image the registry does not have is infra.registry naming the image, not the commit's failure", async () => {
    const out = await publishFresh(lab, { revision: variants().missingBase.branch, pathPrefix: caps.dir });
    expect(out.error).toBeInstanceOf(CiError);
    const e = out.error as CiError;
    expect(e.failureClass).toBe('infra.registry');
    expect(e.message).toContain(`the base image ${MISSING_BASE} of src/components/backend-core/Dockerfile could not be pulled`);
    expect(e.details.hint).toMatch(/egress proxy/);
  }, 300_000);
});

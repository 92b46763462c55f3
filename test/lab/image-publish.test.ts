// Publishing backend-core against the lab: real git over HTTP through tinyproxy, real buildah,
// the real Distribution registry. Labels, tag and digest are right; outputs are written;
// a republish reuses the digest and builds nothing.
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { useLab } from '../support/lab.ts';
import { runProcess } from '../../harness/process/run.ts';
import { buildahSpy, labCommits, publishWith, registryTags, type BuildahSpy } from './image-publish.support.ts';

const lab = useLab(['proxy', 'git', 'registry']);
let spy: BuildahSpy;
let reportDir: string;
beforeAll(async () => {
  spy = await buildahSpy(lab.dir);
  reportDir = await mkdtemp(join(lab.dir, 'reports-'));
});

describe('backend-core publication', () => {
  let first: Awaited<ReturnType<typeof publishWith>>;

  test('publishes <registry>/unidesk/backend-core:<commit> with the required labels', async () => {
    const master = labCommits(lab).master;
    first = await publishWith(lab, spy, { UNIDESK_CI_REVISION: 'master' }, reportDir);
    expect(first.commit).toBe(master);
    expect(first.imageRef).toBe(`${lab.env.UNIDESK_CI_REGISTRY}/unidesk/backend-core:${master}`);
    expect(first.built).toBe(true);
    // read back independently of the harness: skopeo talks to the registry itself
    const r = await runProcess('skopeo', ['inspect', '--tls-verify=false', `docker://${first.imageRef}`]);
    expect(r.exitCode, r.tail).toBe(0);
    const inspected = JSON.parse(r.stdout) as { Digest: string; Labels: Record<string, string> };
    expect(inspected.Digest).toBe(first.imageDigest);
    expect(inspected.Labels).toMatchObject({
      'unidesk.ai/service-id': 'backend-core',
      'unidesk.ai/source-repo': lab.env.UNIDESK_CI_REPO_URL,
      'unidesk.ai/source-commit': master,
      'unidesk.ai/dockerfile': 'src/components/backend-core/Dockerfile',
      'org.opencontainers.image.revision': master,
      'org.opencontainers.image.source': lab.env.UNIDESK_CI_REPO_URL,
    });
    expect(Date.parse(inspected.Labels['org.opencontainers.image.created'])).not.toBeNaN();
    // built from the fixture's Dockerfile: its RUN step left BUILD_INFO
    expect((await spy.calls()).some((c) => c.startsWith('build ') && c.includes('src/components/backend-core/Dockerfile'))).toBe(true);
  });

  test('writes IMAGE_URL / IMAGE_DIGEST without trailing newline and the JSON record', async () => {
    expect(await readFile(join(reportDir, 'results', 'IMAGE_URL'), 'utf8')).toBe(first.imageRef);
    expect(await readFile(join(reportDir, 'results', 'IMAGE_DIGEST'), 'utf8')).toBe(first.imageDigest);
    const record = JSON.parse(await readFile(join(reportDir, 'artifact', `backend-core-${first.commit}.json`), 'utf8'));
    expect(record).toMatchObject({ commit: first.commit, imageRef: first.imageRef, imageDigest: first.imageDigest, pinnedRef: `${first.imageRef}@${first.imageDigest}` });
  });

  test('the source is a fresh clone through the egress proxy, removed afterwards', async () => {
    const proxyLog = await readFile(lab.env.LAB_PROXY_LOG, 'utf8');
    expect(proxyLog).toContain(`${lab.env.UNIDESK_CI_REPO_URL}/info/refs`);
    const calls = await spy.calls();
    const build = calls.find((c) => c.startsWith('build '))!;
    const contextDir = build.split(' ').at(-1)!;
    expect(contextDir).toMatch(/unidesk-ci-artifact-/);
    await expect(readFile(join(contextDir, 'deploy.json'))).rejects.toThrow(/ENOENT/);
  });

  test('republishing the same commit reports the existing digest and rebuilds nothing', async () => {
    const env = { ...process.env, ...lab.env };
    // drop the local build so a rebuild could not hide behind the cache
    expect((await runProcess('buildah', ['rmi', '-f', `localhost/unidesk/backend-core:${first.commit}`], { env })).exitCode).toBe(0);
    const before = (await spy.calls()).length;
    const again = await publishWith(lab, spy, { UNIDESK_CI_REVISION: first.commit.slice(0, 10) }, reportDir);
    expect(again.imageDigest).toBe(first.imageDigest);
    expect(again.built).toBe(false);
    expect((await spy.calls()).slice(before)).toEqual([]);
    expect(await registryTags(lab.env.UNIDESK_CI_REGISTRY)).toEqual([first.commit]);
    await rm(join(reportDir, 'results'), { recursive: true });
  });

  test('a tag name resolves to its commit (asked of the remote, which has it on master)', async () => {
    const tagged = await publishWith(lab, spy, { UNIDESK_CI_REVISION: 'v0.1.0' }, reportDir);
    expect(tagged.commit).toBe(labCommits(lab).tag);
    expect(tagged.imageRef.endsWith(`:${labCommits(lab).tag}`)).toBe(true);
    expect((await registryTags(lab.env.UNIDESK_CI_REGISTRY)).sort()).toEqual([first.commit, tagged.commit].sort());
  });

  test('no container engine, cluster client or service manager was ever run', async () => {
    expect(await spy.forbidden()).toEqual([]);
    // the traps work: they are first on the PATH the publication used
    const r = await runProcess('kubectl', ['apply', '-f', '-'], { env: { ...process.env, PATH: `${spy.dir}:${process.env.PATH}` } });
    expect(r.exitCode).toBe(97);
    expect(await spy.forbidden()).toEqual(['kubectl apply -f -']);
  });
});

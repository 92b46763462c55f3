// The fixture repository's Code Queue: the component's commit carries exactly the reference service
// (fixtures/code-queue, not a fork) and its Dockerfile; each code-queue/* branch changes one thing
// of it; the test support rewrites deploy.json on master and puts master back.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildUnideskRepo, type BuiltRepo } from '../../fixtures/repos/build.ts';
import { CODE_QUEUE_SOURCE, SERVICE_DIR } from '../../fixtures/repos/code-queue.ts';
import { git } from '../../harness/git/exec.ts';
import { BAD_DEPLOY_JSON, deployJsonPinning, pushCodeQueuePin, pushMasterDeployJson, resetMaster } from '../support/deploy-json.ts';

let root: string;
let repo: BuiltRepo;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fixture-cq-'));
  repo = await buildUnideskRepo(join(root, 'unidesk.git'));
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

const show = async (rev: string, path: string) => (await git(['show', `${rev}:${path}`], { cwd: repo.bare })).stdout;
const changed = async (rev: string) => (await git(['diff', '--name-only', 'master', rev], { cwd: repo.bare })).stdout.split('\n').filter(Boolean);

describe('the fixture Code Queue component', () => {
  test('the pinned commit holds every reference service file unchanged, and the Dockerfile runs it with node', async () => {
    const files = (await readdir(CODE_QUEUE_SOURCE)).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('main.ts');
    for (const f of files) expect(await show(repo.commits.tag, `${SERVICE_DIR}/${f}`), f).toBe(await readFile(join(CODE_QUEUE_SOURCE, f), 'utf8'));
    const dockerfile = await show(repo.commits.tag, 'src/components/code-queue/Dockerfile');
    expect(dockerfile).toMatch(/^FROM docker\.io\/library\/busybox:1\.36\.1$/m);
    expect(dockerfile).toContain('CMD ["node", "/app/service/main.ts"]');
    expect(JSON.parse(await show(repo.commits.tag, `${SERVICE_DIR}/package.json`))).toEqual({ private: true, type: 'module' });
    // the commit before it has no code-queue component at all
    await expect(show(repo.commits.first, `${SERVICE_DIR}/main.ts`)).rejects.toThrow();
  });

  test('each code-queue/* branch changes only the service, in the one way it names', async () => {
    expect(await changed('code-queue/v2')).toEqual([`${SERVICE_DIR}/version.ts`]);
    expect(await show('code-queue/v2', `${SERVICE_DIR}/version.ts`)).toContain("CODE_QUEUE_VERSION = '0.2.0'");
    expect(await changed('code-queue/read-writes')).toEqual([`${SERVICE_DIR}/server.ts`, `${SERVICE_DIR}/settings.ts`]);
    expect(await show('code-queue/read-writes', `${SERVICE_DIR}/settings.ts`)).toContain('writes: true,');
    expect(await changed('code-queue/never-ready')).toEqual([`${SERVICE_DIR}/server.ts`]);
    expect(await show('code-queue/never-ready', `${SERVICE_DIR}/server.ts`)).toContain('status: 503, body: { ok: false');
  });
});

describe('test support: deploy.json on master', () => {
  test('pins another commit in a new master commit; resetMaster puts master back', async () => {
    const v2 = repo.commits['code-queue/v2'];
    const { commit, previous } = await pushCodeQueuePin(root, v2);
    expect(previous).toBe(repo.commits.master);
    expect((await git(['rev-parse', 'master'], { cwd: repo.bare })).stdout.trim()).toBe(commit);
    expect(JSON.parse(await show('master', 'deploy.json'))).toEqual(deployJsonPinning(v2));
    await resetMaster(root, previous);
    expect((await git(['rev-parse', 'master'], { cwd: repo.bare })).stdout.trim()).toBe(repo.commits.master);
  });

  test.each(Object.entries(BAD_DEPLOY_JSON))('%s', async (what, content) => {
    const { previous } = await pushMasterDeployJson(root, content);
    try {
      if (content === null) await expect(show('master', 'deploy.json')).rejects.toThrow();
      else expect(await show('master', 'deploy.json')).toBe(content);
      if (what === 'invalid JSON') expect(() => JSON.parse(content!)).toThrow();
    } finally {
      await resetMaster(root, previous);
    }
  });
});

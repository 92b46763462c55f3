// What publication refuses, and that a refusal happens before anything is built or pushed:
// bad targets (latest, other registry/repository/tag), an unhealthy registry (no fallback),
// a dirty or unpushed worktree, an unknown revision, a commit on no branch.
import { appendFile, mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { useLab } from '../support/lab.ts';
import { freePort } from '../../fixtures/lab/daemon.ts';
import { git } from '../../harness/git/exec.ts';
import { gitAccessFrom } from '../../harness/git/access.ts';
import { loadConfig } from '../../harness/config.ts';
import { CiError } from '../../harness/failure.ts';
import { buildahSpy, labCommits, publishWith, registryTags, type BuildahSpy } from './image-publish.support.ts';

const lab = useLab(['proxy', 'git', 'registry']);
let spy: BuildahSpy;
let reportDir: string;
beforeAll(async () => {
  spy = await buildahSpy(lab.dir);
  reportDir = await mkdtemp(join(lab.dir, 'reports-'));
});

async function refused(overrides: Record<string, string | undefined>, failureClass: string, message: RegExp): Promise<void> {
  const error = await publishWith(lab, spy, overrides, reportDir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'publication should have been refused').toBeInstanceOf(CiError);
  expect((error as CiError).failureClass).toBe(failureClass);
  expect((error as CiError).message).toMatch(message);
  // the proof that nothing was built or pushed
  expect(await spy.calls()).toEqual([]);
  expect(await registryTags(lab.env.UNIDESK_CI_REGISTRY)).toEqual([]);
}

async function localClone(): Promise<string> {
  const dir = await mkdtemp(join(lab.dir, 'worktree-'));
  const config = loadConfig({ ...process.env, ...lab.env });
  await git(['clone', '--quiet', '--', lab.env.UNIDESK_CI_REPO_URL, dir], { ...gitAccessFrom(config) });
  return dir;
}

describe('publication refuses bad targets before anything is built', () => {
  const registryOf = () => lab.env.UNIDESK_CI_REGISTRY;
  const master = () => labCommits(lab).master;
  test('the mutable tag latest', () => refused({ UNIDESK_CI_IMAGE_REF: `${registryOf()}/unidesk/backend-core:latest` }, 'input', /"latest" is never published/));
  test('a public registry', () => refused({ UNIDESK_CI_IMAGE_REF: `ghcr.io/unidesk/backend-core:${master()}` }, 'input', /not the configured D601 artifact registry/));
  test('another loopback registry', () => refused({ UNIDESK_CI_IMAGE_REF: `127.0.0.1:1/unidesk/backend-core:${master()}` }, 'input', /registry 127\.0\.0\.1:1 is not the configured/));
  test('another repository', () => refused({ UNIDESK_CI_IMAGE_REF: `${registryOf()}/unidesk/frontend:${master()}` }, 'input', /repository unidesk\/frontend/));
  test('a short-SHA tag', () => refused({ UNIDESK_CI_IMAGE_REF: `${registryOf()}/unidesk/backend-core:${master().slice(0, 12)}` }, 'input', /not a full 40-character/));
  test('a tag naming another commit', () => refused({ UNIDESK_CI_IMAGE_REF: `${registryOf()}/unidesk/backend-core:${labCommits(lab).first}` }, 'input', /is not the source commit/));
  test('a registry that is not loopback, as configuration', () => {
    expect(() => loadConfig({ UNIDESK_CI_REGISTRY: 'registry.example.com:5000' })).toThrow(/UNIDESK_CI_REGISTRY.*loopback/);
  });
});

describe('publication needs a healthy registry and does not fall back', () => {
  test('nothing listening → infra.registry', async () => {
    await refused({ UNIDESK_CI_REGISTRY: `127.0.0.1:${await freePort()}` }, 'infra.registry', /artifact registry unhealthy: registry 127\.0\.0\.1:\d+ is not reachable/);
  });
  test('GET /v2/ answering 503 → infra.registry', async () => {
    const sick = http.createServer((_req, res) => res.writeHead(503).end('{"errors":[{"code":"UNAVAILABLE"}]}'));
    await new Promise<void>((r) => sick.listen(0, '127.0.0.1', r));
    try {
      await refused({ UNIDESK_CI_REGISTRY: `127.0.0.1:${(sick.address() as AddressInfo).port}` }, 'infra.registry', /answered HTTP 503/);
    } finally {
      await new Promise((r) => sick.close(r));
    }
  });
});

describe('publication builds only pushed git', () => {
  test('an unknown revision → input', () => refused({ UNIDESK_CI_REVISION: 'no-such-branch' }, 'input', /no-such-branch/));
  test('a dirty worktree → input', async () => {
    const dir = await localClone();
    await appendFile(join(dir, 'README.md'), 'local edit\n');
    await refused({ UNIDESK_CI_SOURCE_WORKTREE: dir }, 'input', /is dirty/);
  });
  test('an unpushed local commit → input', async () => {
    const dir = await localClone();
    await appendFile(join(dir, 'README.md'), 'local edit\n');
    const env = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' };
    await git(['commit', '--quiet', '-am', 'local only'], { cwd: dir, fallback: 'input', extraEnv: env });
    await refused({ UNIDESK_CI_SOURCE_WORKTREE: dir }, 'input', /not on any remote branch/);
  });
  test('a commit the remote has but no branch contains → input', async () => {
    // a branch pushed and then deleted leaves its commit in the bare repository, on no branch
    const bare = join(lab.env.LAB_GIT_ROOT, 'unidesk.git');
    const orphan = (
      await git(['commit-tree', '-p', labCommits(lab).master, '-m', 'orphan', `${labCommits(lab).master}^{tree}`], {
        cwd: bare,
        fallback: 'input',
        extraEnv: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' },
      })
    ).stdout.trim();
    await refused({ UNIDESK_CI_REVISION: orphan }, 'input', /unknown revision|on no branch/);
  });
});

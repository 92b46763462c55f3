// harness/git against the lab's real services: git http-backend behind Basic auth, reached
// through the real tinyproxy. Bad credentials, a dead proxy and NO_PROXY are tried for real.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLab, type Lab } from '../../fixtures/lab/index.ts';
import { freePort } from '../../fixtures/lab/daemon.ts';
import { cloneAt, resolveRevision, type RemoteOptions } from '../../harness/git/index.ts';

let lab: Lab;
let ok: RemoteOptions;
let commits: Record<string, string>;
const password = () => lab.env.UNIDESK_CI_GIT_PASSWORD;

beforeAll(async () => {
  lab = await startLab({ services: ['proxy', 'git'], log: () => undefined });
  commits = JSON.parse(lab.env.LAB_GIT_COMMITS);
  ok = {
    remote: lab.env.UNIDESK_CI_REPO_URL,
    credentials: { username: lab.env.UNIDESK_CI_GIT_USERNAME, password: password() },
    proxy: { url: lab.env.UNIDESK_CI_PROXY_URL },
  };
}, 60_000);
afterAll(async () => {
  const dir = lab?.dir;
  await lab?.stop();
  if (dir) expect(existsSync(dir)).toBe(false);
});

const proxyLog = () => readFile(lab.env.LAB_PROXY_LOG, 'utf8');
const cls = (failureClass: string) => expect.objectContaining({ failureClass });

describe('lab git over HTTP through the proxy', () => {
  test('resolves and clones through tinyproxy; the proxy log shows the requests', async () => {
    expect(lab.env.UNIDESK_CI_REPO_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/unidesk\.git$/);
    expect(await resolveRevision({ ...ok, revision: 'master' })).toBe(commits.master);
    const dir = join(lab.dir, 'clone-ok');
    await cloneAt({ ...ok, commit: commits.master, dir });
    const log = await proxyLog();
    expect(log).toMatch(new RegExp(`GET ${lab.env.UNIDESK_CI_REPO_URL.replace(/[.]/g, '\\.')}/info/refs\\?service=git-upload-pack`));
    const gitConfig = await readFile(join(dir, '.git', 'config'), 'utf8');
    expect(gitConfig).not.toContain(password());
    expect(gitConfig).not.toMatch(/extraheader|authorization/i);
  });
  test('wrong and missing credentials are infra.auth, and the message never shows the password', async () => {
    const wrong = resolveRevision({ ...ok, credentials: { username: 'unidesk-ci', password: 'not-the-password' }, revision: 'master' });
    await expect(wrong).rejects.toEqual(cls('infra.auth'));
    const e = await resolveRevision({ ...ok, credentials: undefined, revision: 'master' }).catch((x: Error) => x);
    expect(e).toEqual(cls('infra.auth'));
    expect((e as Error).message).toContain('CI infrastructure/auth gap, not an application test result');
    expect(JSON.stringify(e)).not.toContain(password());
  });
  test('a dead proxy port is infra.network', async () => {
    const dead = await freePort();
    await expect(resolveRevision({ ...ok, proxy: { url: `http://127.0.0.1:${dead}` }, revision: 'master' })).rejects.toEqual(cls('infra.network'));
  });
  test('NO_PROXY keeps a host off the proxy', async () => {
    const before = (await proxyLog()).length;
    expect(await resolveRevision({ ...ok, proxy: { url: ok.proxy!.url, noProxy: '127.0.0.1' }, revision: 'v0.1.0' })).toBe(commits.tag);
    expect((await proxyLog()).slice(before)).not.toContain('GET http://');
  });
  test('an unknown repository and an unknown revision are input', async () => {
    await expect(resolveRevision({ ...ok, remote: ok.remote.replace('unidesk.git', 'nope.git'), revision: 'master' })).rejects.toEqual(cls('input'));
    await expect(resolveRevision({ ...ok, revision: 'broken/no-such-variant' })).rejects.toEqual(cls('input'));
  });
  test('short SHAs are resolved through the partial history fetch', async () => {
    expect(await resolveRevision({ ...ok, revision: commits.first.slice(0, 10) })).toBe(commits.first);
  });
});

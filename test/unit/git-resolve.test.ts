// Revision resolution, clone and the pushed/clean guards against a real repository built from the
// fixture (file:// remote, allowed explicitly: the HTTP, auth and proxy paths are covered in
// test/lab/git-*.test.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildUnideskRepo, FIXTURE_TAG, type BuiltRepo } from '../../fixtures/repos/build.ts';
import { assertClean, assertPushed, cloneAt, git, remoteContains, resolveRevision } from '../../harness/git/index.ts';

let tmp: string;
let repo: BuiltRepo;
let remote: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'git-resolve-'));
  repo = await buildUnideskRepo(join(tmp, 'unidesk.git'));
  remote = `file://${repo.bare}`;
}, 60_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

const input = expect.objectContaining({ failureClass: 'input' });

describe('resolveRevision', () => {
  test('branch, annotated tag, short SHA and full SHA all give the 40-hex commit', async () => {
    expect(await resolveRevision({ remote, allowFileRemote: true, revision: 'master' })).toBe(repo.commits.master);
    expect(await resolveRevision({ remote, allowFileRemote: true, revision: FIXTURE_TAG })).toBe(repo.commits.tag);
    expect(await resolveRevision({ remote, allowFileRemote: true, revision: 'broken/ts-error' })).toBe(repo.commits['broken/ts-error']);
    // not at a ref tip: found in the fetched history
    expect(await resolveRevision({ remote, allowFileRemote: true, revision: repo.commits.first.slice(0, 8) })).toBe(repo.commits.first);
    expect(await resolveRevision({ remote, allowFileRemote: true, revision: repo.commits.first })).toBe(repo.commits.first);
    expect(await resolveRevision({ remote, allowFileRemote: true, revision: repo.commits.master.toUpperCase() })).toBe(repo.commits.master);
  });
  test('unknown branch, unknown SHA and option-like revisions are input errors', async () => {
    await expect(resolveRevision({ remote, allowFileRemote: true, revision: 'no-such-branch' })).rejects.toEqual(
      expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('master') }),
    );
    await expect(resolveRevision({ remote, allowFileRemote: true, revision: 'deadbeefdeadbeef' })).rejects.toEqual(input);
    await expect(resolveRevision({ remote, allowFileRemote: true, revision: '--upload-pack=touch /tmp/pwned' })).rejects.toEqual(input);
    expect(existsSync('/tmp/pwned')).toBe(false);
  });
  test('a remote URL with credentials or an odd scheme is refused before git runs', async () => {
    await expect(resolveRevision({ remote: 'http://u:p@127.0.0.1:1/x.git', revision: 'master' })).rejects.toEqual(
      expect.objectContaining({ failureClass: 'input', message: expect.not.stringContaining('u:p') }),
    );
    await expect(resolveRevision({ remote: 'ext::sh -c touch% /tmp/pwned', revision: 'master' })).rejects.toEqual(input);
  });
  test('a file:// remote is refused as input unless a test allows it explicitly', async () => {
    await expect(resolveRevision({ remote, revision: 'master' })).rejects.toEqual(expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('expected an http(s) URL') }));
    await expect(cloneAt({ remote, commit: repo.commits.master, dir: join(tmp, 'file-refused') })).rejects.toEqual(input);
    expect(existsSync(join(tmp, 'file-refused'))).toBe(false);
  });
});

describe('cloneAt', () => {
  test('checks out exactly the commit, detached, with a clean worktree', async () => {
    const dir = join(tmp, 'clone-tag');
    await cloneAt({ remote, allowFileRemote: true, commit: repo.commits.tag, dir });
    expect((await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim()).toBe(repo.commits.tag);
    expect(existsSync(join(dir, 'deploy.json'))).toBe(false);
    await assertClean(dir);
    expect(await assertPushed(dir)).toBe(repo.commits.tag);
  });
  test('refuses short SHAs, non-empty targets and commits the remote lacks', async () => {
    await expect(cloneAt({ remote, allowFileRemote: true, commit: 'abc1234', dir: join(tmp, 'c1') })).rejects.toEqual(input);
    await expect(cloneAt({ remote, allowFileRemote: true, commit: repo.commits.master, dir: join(tmp, 'clone-tag') })).rejects.toEqual(input);
    await expect(cloneAt({ remote, allowFileRemote: true, commit: 'f'.repeat(40), dir: join(tmp, 'c2') })).rejects.toEqual(
      expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('never pushed') }),
    );
  });
});

describe('pushed and clean guards', () => {
  test('a dirty worktree and an unpushed local commit are input errors', async () => {
    const dir = join(tmp, 'clone-dirty');
    await cloneAt({ remote, allowFileRemote: true, commit: repo.commits.master, dir });
    await writeFile(join(dir, 'README.md'), 'local edit\n');
    await expect(assertClean(dir)).rejects.toEqual(expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('README.md') }));
    await expect(assertPushed(dir)).rejects.toEqual(input);
    await git(['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-qam', 'local only'], { cwd: dir });
    await assertClean(dir);
    await expect(assertPushed(dir)).rejects.toEqual(expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('not on any remote branch') }));
    expect(await assertPushed(dir, repo.commits.master)).toBe(repo.commits.master);
    const local = (await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
    await expect(remoteContains({ remote, allowFileRemote: true, commit: local })).rejects.toEqual(input);
  });
  test('remoteContains lists the remote branches that contain a pushed commit', async () => {
    const branches = await remoteContains({ remote, allowFileRemote: true, commit: repo.commits.tag });
    expect(branches).toContain('master');
    expect(branches).toContain('broken/rust-error');
    expect(await remoteContains({ remote, allowFileRemote: true, commit: repo.commits['broken/ts-error'] })).toEqual(['broken/ts-error']);
  });
  test('the clone keeps no credentials in .git/config', async () => {
    expect(readFileSync(join(tmp, 'clone-tag', '.git', 'config'), 'utf8')).not.toMatch(/extraheader|Authorization|@/i);
  });
});

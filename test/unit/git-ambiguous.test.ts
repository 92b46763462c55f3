// A short SHA that names several commits on the remote is `input` naming them, not "unknown".
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { resolveRevision } from '../../harness/git/index.ts';

let tmp: string;
let remote: string;
let prefix: string;
let pair: string[];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'git-ambiguous-'));
  const bare = join(tmp, 'r.git');
  execFileSync('git', ['init', '--bare', '--quiet', bare]);
  // enough commits (one fast-import) that two of them share a 4-hex prefix
  const stream = Array.from({ length: 1500 }, (_, i) => `commit refs/heads/master\ncommitter ci <ci@example> ${1_700_000_000 + i} +0000\ndata <<EOF\nc${i}\nEOF\n${i ? '' : 'deleteall\n'}`).join('');
  execFileSync('git', ['fast-import', '--quiet'], { cwd: bare, input: stream });
  const shas = execFileSync('git', ['rev-list', 'master'], { cwd: bare, encoding: 'utf8' }).trim().split('\n');
  const byPrefix = new Map<string, string[]>();
  for (const s of shas) byPrefix.set(s.slice(0, 4), [...(byPrefix.get(s.slice(0, 4)) ?? []), s]);
  [prefix, pair] = [...byPrefix].find(([, v]) => v.length === 2)!;
  pair.sort();
  remote = `file://${bare}`;
}, 60_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

test('an ambiguous short SHA is input: "ambiguous: matches <a>, <b>"', async () => {
  await expect(resolveRevision({ remote, allowFileRemote: true, revision: prefix })).rejects.toEqual(
    expect.objectContaining({ failureClass: 'input', message: expect.stringContaining(`short SHA ${prefix} is ambiguous: matches ${pair[0]}, ${pair[1]}`) }),
  );
  // one more character picks one of them
  const longer = pair[0].slice(0, pair[0].split('').findIndex((c, i) => c !== pair[1][i]) + 1);
  expect(await resolveRevision({ remote, allowFileRemote: true, revision: longer })).toBe(pair[0]);
});

test('a short SHA nothing matches is still unknown', async () => {
  const unused = ['0000', '0001', 'ffff', 'fffe', 'abcd', 'dcba'].find((p) => p !== prefix)!;
  await expect(resolveRevision({ remote, allowFileRemote: true, revision: `${unused}00000000` })).rejects.toEqual(
    expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('unknown revision') }),
  );
});

// The step image tag: `<version>-<12 hex>` over the project's files as git sees them. It changes
// when a tracked file's content (or a new file) changes, and is stable otherwise; a copy of the
// project without .git (the image's /opt/unidesk-ci) computes the same tag from FILE_LIST.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, cp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FILE_LIST, computeStepImageTag, hashEntries } from '../../harness/image/step-image/tag.ts';
import { basePinProblem, stepBaseImage } from '../../harness/image/step-image/base.ts';
import { reuseDecision } from '../../harness/image/step-image/served.ts';
import { productionPackages } from '../../harness/image/step-image/context.ts';

let dir: string;
const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'pipe' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'step-image-tag-'));
  git('init', '-q');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.2.3' }));
  await writeFile(join(dir, 'a.ts'), 'export const a = 1;\n');
  await writeFile(join(dir, '.gitignore'), 'reports/\n');
  git('add', '.');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('step image tag', () => {
  test('version-prefixed, 12 hex, stable when nothing changes', async () => {
    const a = await computeStepImageTag(dir);
    expect(a.tag).toMatch(/^1\.2\.3-[0-9a-f]{12}$/);
    expect((await computeStepImageTag(dir)).tag).toBe(a.tag);
    expect(a.files).toEqual(['.gitignore', 'a.ts', 'package.json']);
  });

  test('changes with a tracked file, returns when the change is undone; ignored files do not count', async () => {
    const before = (await computeStepImageTag(dir)).tag;
    await writeFile(join(dir, 'a.ts'), 'export const a = 2;\n');
    const changed = (await computeStepImageTag(dir)).tag;
    expect(changed).not.toBe(before);
    await writeFile(join(dir, 'a.ts'), 'export const a = 1;\n');
    expect((await computeStepImageTag(dir)).tag).toBe(before);
    await mkdir(join(dir, 'reports'));
    await writeFile(join(dir, 'reports', 'r.xml'), '<x/>');
    expect((await computeStepImageTag(dir)).tag).toBe(before);
    await writeFile(join(dir, 'new.ts'), '1');
    expect((await computeStepImageTag(dir)).tag).not.toBe(before);
    await rm(join(dir, 'new.ts'));
  });

  test('a copy without .git computes the same tag from its file list', async () => {
    const t = await computeStepImageTag(dir);
    const copy = await mkdtemp(join(tmpdir(), 'step-image-copy-'));
    try {
      for (const f of t.files) await cp(join(dir, f), join(copy, f));
      await writeFile(join(copy, FILE_LIST), `${t.files.join('\n')}\n`);
      expect((await computeStepImageTag(copy)).tag).toBe(t.tag);
      await writeFile(join(copy, 'a.ts'), 'changed');
      expect((await computeStepImageTag(copy)).tag).not.toBe(t.tag);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  test('the hash covers paths as well as contents', () => {
    const c = Buffer.from('x');
    expect(hashEntries([{ path: 'a', content: c }])).not.toBe(hashEntries([{ path: 'b', content: c }]));
  });
});

describe('base image and reuse', () => {
  const d = `sha256:${'a'.repeat(64)}`;
  test('the base must be pinned by digest', () => {
    expect(basePinProblem(`debian:bookworm-slim@${d}`)).toBeUndefined();
    expect(basePinProblem('debian:bookworm-slim')).toMatch(/not pinned by digest/);
    expect(() => stepBaseImage({ UNIDESK_CI_STEP_BASE_IMAGE: 'debian:bookworm' })).toThrow(/UNIDESK_CI_STEP_BASE_IMAGE: debian:bookworm is not pinned by digest/);
    expect(stepBaseImage({})).toMatch(/^docker\.io\/library\/debian:bookworm-slim@sha256:[a-f0-9]{64}$/);
  });

  test('reuse only with the same content hash and base', () => {
    const want = { contentHash: 'abc', baseImage: 'b@' + d };
    expect(reuseDecision(undefined, want)).toEqual({ reuse: false, why: 'the registry does not have that tag' });
    expect(reuseDecision({ digest: d, contentHash: 'abc', baseImage: want.baseImage, labels: {} }, want)).toEqual({ reuse: true, digest: d });
    expect(reuseDecision({ digest: d, contentHash: 'abd', baseImage: want.baseImage, labels: {} }, want)).toMatchObject({ reuse: false, why: expect.stringMatching(/content-hash is abd, not abc/) });
    expect(reuseDecision({ digest: d, contentHash: 'abc', baseImage: 'other', labels: {} }, want)).toMatchObject({ reuse: false, why: expect.stringMatching(/FROM other/) });
  });

  test('production node_modules: package-lock dev entries are pruned', () => {
    expect(productionPackages({ packages: { '': {}, 'node_modules/vitest': {}, 'node_modules/node': { dev: true }, 'node_modules/a/node_modules/b': {} } })).toEqual([
      'node_modules/a/node_modules/b',
      'node_modules/vitest',
    ]);
  });
});

// git's stdout is parsed by its callers: past the kept-output cap, git() refuses the cut-off text.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CiError } from '../../harness/failure.ts';
import { git } from '../../harness/git/exec.ts';
import { MAX_KEPT_OUTPUT_BYTES } from '../../harness/process/run.ts';

test('an output larger than MAX_KEPT_OUTPUT_BYTES is input naming the command and the cap; a small one passes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'git-output-cap-'));
  try {
    await git(['init', '-q', dir]);
    const big = join(dir, 'big');
    writeFileSync(big, Buffer.alloc(MAX_KEPT_OUTPUT_BYTES + 1024, 'a'));
    const sha = (await git(['hash-object', '-w', 'big'], { cwd: dir })).stdout.trim();
    const err = await git(['cat-file', 'blob', sha], { cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiError);
    expect((err as CiError).failureClass).toBe('input');
    expect((err as CiError).message).toMatch(/git cat-file blob [0-9a-f]{40} printed more stdout than the harness keeps \(16 MiB\)/);
    writeFileSync(join(dir, 'small'), 'hello\n');
    const small = (await git(['hash-object', '-w', 'small'], { cwd: dir })).stdout.trim();
    expect((await git(['cat-file', 'blob', small], { cwd: dir })).stdout).toBe('hello\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 20_000);

test('output without newlines: the pending line stays bounded and the tail lines are cut for the report', async () => {
  const { runProcess } = await import('../../harness/process/run.ts');
  const lines: string[] = [];
  const r = await runProcess('sh', ['-c', 'head -c 300000 /dev/zero | tr "\\0" a'], { onLine: (l) => lines.push(l) });
  expect(r.stdout.length).toBe(300_000);
  expect(lines.join('').length).toBe(300_000);
  expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(128 * 1024); // the 64 KiB bound plus at most one pipe read;
  expect(r.tail.split('\n').every((l) => l.length < 4200)).toBe(true);
  expect(r.tail).toMatch(/… \(\d+ more characters\)/);
});

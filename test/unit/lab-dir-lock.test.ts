import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { withDirLock } from '../../fixtures/lab/registry/dir-lock.ts';

const dir = await mkdtemp(join(tmpdir(), 'dir-lock-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

test('a lock left by a killed holder (its PID gone) is taken over at once, and released after', async () => {
  const lock = join(dir, 'a.lock');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  await mkdir(lock);
  await writeFile(join(lock, 'pid'), dead);
  const t0 = Date.now();
  expect(await withDirLock(lock, async () => 'made', 5_000)).toBe('made');
  expect(Date.now() - t0).toBeLessThan(2_000);
  expect(existsSync(lock)).toBe(false);
});

test('a lock a live process holds is waited for, then refused naming it', async () => {
  const lock = join(dir, 'b.lock');
  await mkdir(lock);
  await writeFile(join(lock, 'pid'), String(process.pid));
  await expect(withDirLock(lock, async () => 'made', 1_500)).rejects.toThrow(/b\.lock held for .* by a live process/);
  expect(existsSync(lock)).toBe(true);
});

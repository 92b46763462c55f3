import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { labReady } from '../../harness/cli/tekton/lab.ts';

const dir = await mkdtemp(join(tmpdir(), 'lab-ready-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const never = new Promise<[number | null, NodeJS.Signals | null]>(() => undefined);

test('the environment the lab program wrote once up, or the failure and its class it wrote', async () => {
  const file = join(dir, 'ready.json');
  setTimeout(() => void writeFile(file, JSON.stringify({ env: { UNIDESK_CI_REGISTRY: '127.0.0.1:5000' } })), 150);
  expect(await labReady(file, never)).toEqual({ env: { UNIDESK_CI_REGISTRY: '127.0.0.1:5000' } });
  await writeFile(file, JSON.stringify({ failureClass: 'input', message: 'buildah is not installed' }));
  expect(await labReady(file, never)).toEqual({ failureClass: 'input', message: 'buildah is not installed' });
});

test('a lab program that ends without writing it: internal, naming how it ended', async () => {
  expect(await labReady(join(dir, 'none.json'), Promise.resolve([null, 'SIGKILL']))).toEqual({ failureClass: 'internal', message: 'the lab program ended (SIGKILL) before it was up' });
  expect(await labReady(join(dir, 'none.json'), Promise.resolve([3, null]))).toMatchObject({ message: /ended \(exit 3\)/ });
});

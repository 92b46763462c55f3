// SIGINT/SIGTERM run the run namespace's teardown before the process ends.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startKubeLab, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
beforeAll(async () => {
  lab = await startKubeLab();
});
afterAll(() => lab?.[Symbol.asyncDispose]());

test.each(['SIGTERM', 'SIGINT'] as const)('%s tears the run namespace down, then the process ends by the signal', async (sig) => {
  const runId = `sig-${sig.toLowerCase()}`;
  const child = spawn(process.execPath, [join(import.meta.dirname, 'signal-child.ts'), lab.double.kubeconfigPath, runId, lab.double.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (out += c));
  const exited = new Promise<{ code: number | null; signal: string | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const deadline = Date.now() + 60_000;
  while (!out.includes('ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(out).toContain('ready');
  expect(lab.double.objects().some((o) => o.kind === 'Namespace' && o.metadata.name === `unidesk-ci-e2e-${runId}`)).toBe(true);
  child.kill(sig);
  expect(await exited, out).toEqual({ code: null, signal: sig });
  expect(out).toContain(`namespace: ${sig} received, tearing down unidesk-ci-e2e-${runId}`);
  expect(out).toContain(`namespace: unidesk-ci-e2e-${runId} deleted`);
  expect(lab.double.objects().filter((o) => o.metadata.name === `unidesk-ci-e2e-${runId}` || o.metadata.namespace === `unidesk-ci-e2e-${runId}`)).toEqual([]);
});

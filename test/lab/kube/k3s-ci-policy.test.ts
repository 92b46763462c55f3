// Global setup's apply of k3s/ci (UNIDESK_CI_MANIFESTS_DIR) runs the policies before the first
// request: a broken copy (a `latest` step image, a NodePort listener) is an `input` error listing
// the violations, and the double's request log shows nothing was sent — no write, not even a read.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { REPO_ROOT } from '../../../harness/tekton/index.ts';
import { applyK3sCi } from '../../../suites/setup-steps.ts';
import { startKubeLab, writes, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
let dir: string;
beforeAll(async () => {
  lab = await startKubeLab({ tekton: true });
  dir = await mkdtemp(join(tmpdir(), 'k3s-ci-policy-'));
  await cp(join(REPO_ROOT, 'k3s/ci'), dir, { recursive: true });
});
afterAll(async () => {
  await lab?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

const setupEnv = (manifests: string) => ({
  UNIDESK_CI_KUBECONFIG: lab.double.kubeconfigPath,
  UNIDESK_CI_APPLY_MANIFESTS: '1',
  UNIDESK_CI_MANIFESTS_DIR: manifests,
  UNIDESK_CI_RUN_ID: 'policy1',
});

async function edit(file: string, from: string, to: string): Promise<void> {
  const path = join(dir, file);
  const text = await readFile(path, 'utf8');
  expect(text).toContain(from);
  await writeFile(path, text.replace(from, to));
}

test('a manifests copy violating the policies is refused before anything reaches the API server', async () => {
  await edit('repo-check.task.yaml', 'image: unidesk-ci-step', 'image: 127.0.0.1:5000/unidesk/unidesk-ci:latest');
  await edit('unidesk-ci.triggers.yaml', 'serviceType: ClusterIP', 'serviceType: NodePort');
  const since = lab.double.requests().at(-1)?.seq ?? 0;
  const err = await applyK3sCi({ gate: 'install', env: setupEnv(dir), ciEnv: {} }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ failureClass: 'input' });
  const message = (err as Error).message;
  expect(message).toMatch(/^k3s\/ci \(.*\) violates \d+ policies:/);
  expect(message).toMatch(/Task unidesk-ci\/unidesk-ci-repo-check: pinned-images: step .*latest/);
  expect(message).toMatch(/EventListener unidesk-ci\/unidesk-ci: listener: EventListener serviceType must be ClusterIP explicitly, found NodePort/);
  expect(writes(lab.double, since)).toEqual([]);
  expect(lab.double.requests(since)).toEqual([]);
  expect(lab.double.objects().filter((o) => o.metadata.namespace === 'unidesk-ci')).toEqual([]);
});

test('control: the committed k3s/ci passes the policies and is applied', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (l: string) => void lines.push(l);
  try {
    await applyK3sCi({ gate: 'install', env: setupEnv(join(REPO_ROOT, 'k3s/ci')), ciEnv: {} });
  } finally {
    console.log = log;
  }
  expect(lines.join('\n')).toMatch(/setup: applied k3s\/ci in \d+ ms: \d+ created, 0 changed, 0 unchanged/);
  expect(lab.double.objects().some((o) => o.kind === 'Task' && o.metadata.name === 'unidesk-ci-repo-check')).toBe(true);
});

test('a copy whose kustomization lost the step image tag rendering is refused: the Tasks would run an untagged image', async () => {
  const bare = await mkdtemp(join(tmpdir(), 'k3s-ci-unrendered-'));
  try {
    await cp(join(REPO_ROOT, 'k3s/ci'), bare, { recursive: true });
    const k = join(bare, 'kustomization.yaml');
    await writeFile(k, (await readFile(k, 'utf8')).replace(/\nimages:[\s\S]*?(?=\n[a-z#])/, '\n'));
    const since = lab.double.requests().at(-1)?.seq ?? 0;
    const err = await applyK3sCi({ gate: 'install', env: { ...setupEnv(bare), UNIDESK_CI_RUN_ID: 'policy2' }, ciEnv: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ failureClass: 'input' });
    expect((err as Error).message).toMatch(/Task unidesk-ci\/unidesk-ci-repo-check: pinned-images: step unidesk-ci-repo-check\/\S+: unidesk-ci-step has no tag or digest \(implies latest\)/);
    expect(lab.double.requests(since)).toEqual([]);
  } finally {
    await rm(bare, { recursive: true, force: true });
  }
});

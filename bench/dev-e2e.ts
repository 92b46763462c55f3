// npm run bench:dev-e2e — the dev-e2e gate's wall time in the lab, split by step (JUnit testcase
// times), for a first run (the Code Queue image is built: its registry tag and local image are
// removed before) and a reused-image run (the registry already serves that commit's image),
// interleaved round by round in one lab, medians side by side. Knobs: BENCH_ROUNDS (default 2).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GATE_SERVICES, startLab } from '../fixtures/lab/index.ts';
import { applyObjects, connectKube, loadCheckedManifests } from '../harness/kube/index.ts';
import { runGate } from '../harness/report/junit-gate-run.ts';
import { testcases } from '../harness/report/junit-read.ts';
import { benchRounds, deleteTag, median, registryTags } from './support.ts';

const exec = promisify(execFile);
const rounds = benchRounds(2);

await using lab = await startLab({ services: GATE_SERVICES['dev-e2e'], log: () => undefined });
const env = { ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1' };
await applyObjects(connectKube({ kubeconfig: lab.env.UNIDESK_CI_KUBECONFIG, runId: 'bench-dev-e2e', log: () => undefined }), await loadCheckedManifests(join(import.meta.dirname, '../k3s/ci')));

/** The first-run state: no code-queue image in the registry, in buildah's storage or in containerd. */
async function cold(): Promise<void> {
  const e = { ...process.env, ...lab.env };
  for (const tag of await registryTags(lab.env.UNIDESK_CI_REGISTRY, 'unidesk/code-queue')) {
    await deleteTag(lab.env.UNIDESK_CI_REGISTRY, 'unidesk/code-queue', tag);
    await exec('buildah', ['rmi', '-f', `localhost/unidesk/code-queue:${tag}`], { env: e }).catch(() => undefined);
    await exec('ctr', ['-a', lab.env.UNIDESK_CI_CONTAINERD_ADDRESS!, '-n', 'k8s.io', 'images', 'rm', `${lab.env.UNIDESK_CI_REGISTRY}/unidesk/code-queue:${tag}`]).catch(() => undefined);
  }
}

type Sample = { total: number; steps: Map<string, number>; rebuilt: string };
async function gate(): Promise<Sample> {
  const reportDir = await mkdtemp(join(tmpdir(), 'bench-dev-e2e-'));
  try {
    const t0 = performance.now();
    const run = await runGate({ gate: 'dev-e2e', reportDir, env });
    const total = (performance.now() - t0) / 1000;
    if (run.exitCode !== 0 || !run.report) throw new Error(`bench: the dev-e2e gate failed:\n${run.output.slice(-3000)}`);
    // step names carry the run namespace: one key per step across runs
    const steps = new Map(testcases(run.report).map((c, i) => [`${i + 1}. ${c.name.replace(/unidesk-ci-e2e-[a-z0-9-]+/, '<run ns>').slice(0, 58)}`, c.timeSeconds]));
    return { total, steps, rebuilt: run.steps[1]?.properties['unidesk.image-rebuilt'] ?? '?' };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

const first: Sample[] = [];
const reused: Sample[] = [];
for (let r = 0; r < rounds; r++) {
  await cold();
  first.push(await gate());
  reused.push(await gate());
  console.log(
    `round ${r + 1}/${rounds}: first ${first.at(-1)!.total.toFixed(1)} s (rebuilt ${first.at(-1)!.rebuilt}), reused ${reused.at(-1)!.total.toFixed(1)} s (rebuilt ${reused.at(-1)!.rebuilt})`,
  );
}
const row = (name: string, a: number, b: number) => `${name.padEnd(64)} ${a.toFixed(2).padStart(8)} ${b.toFixed(2).padStart(8)} ${(b / a).toFixed(2).padStart(6)}`;
console.log(`\ndev-e2e gate in the lab, median of ${rounds} round(s), seconds\n${'step'.padEnd(64)} ${'first'.padStart(8)} ${'reused'.padStart(8)} ${'ratio'.padStart(6)}`);
for (const name of first[0]!.steps.keys()) console.log(row(name, median(first.map((s) => s.steps.get(name) ?? 0)), median(reused.map((s) => s.steps.get(name) ?? 0))));
console.log(row('whole gate (vitest run --project dev-e2e, wall)', median(first.map((s) => s.total)), median(reused.map((s) => s.total))));

// npm run bench:tekton — the commit gate run through Tekton in the lab (a PipelineRun of the real
// unidesk-ci-repo-check Task, on the real step image) against the same gate run directly with
// Vitest, side by side in one run, interleaved round by round. Prints both medians, their
// difference (what the Tekton layer costs in the lab) and the controller's own latency from
// PipelineRun creation to the first step starting (client-observed, polled every 5 ms).
// Both sides get the Task's proxy settings (the egress proxy, and NO_PROXY with the loopback git).
// Knob: BENCH_ROUNDS (default 5). Targets: latency ≤ 300 ms; Tekton path ≤ direct + 1.5 s.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { parse } from 'yaml';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../fixtures/lab/index.ts';
import { GIT_CREDENTIALS_SECRET, installLabCi, type LabCi } from '../fixtures/lab/tekton/ci.ts';
import { CI_NAMESPACE } from '../harness/config.ts';
import { runGate } from '../harness/report/junit-gate-run.ts';
import { listTaskRuns, readPipelineRun, succeededCondition, isDone, type PipelineRun } from '../harness/tekton/index.ts';
import { benchRounds, median } from './support.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Sample = { direct: number; tekton: number; latency: number };

/** The step's own UNIDESK_CI_NO_PROXY from the Task, so both sides clone the same way (direct to 127.0.0.1). */
async function taskNoProxy(): Promise<string> {
  const task = parse(await readFile(join(import.meta.dirname, '..', 'k3s', 'ci', 'repo-check.task.yaml'), 'utf8'));
  const env: Array<{ name: string; value?: string }> = task.spec.steps[0].env;
  return env.find((e) => e.name === 'UNIDESK_CI_NO_PROXY')!.value!;
}

async function direct(env: Record<string, string>): Promise<number> {
  const reportDir = await mkdtemp(join(tmpdir(), 'bench-tekton-direct-'));
  try {
    const t0 = performance.now();
    const run = await runGate({
      gate: 'commit',
      reportDir,
      env: { ...env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', UNIDESK_CI_REVISION: 'master', UNIDESK_CI_NO_PROXY: await taskNoProxy() },
    });
    const s = (performance.now() - t0) / 1000;
    if (run.exitCode !== 0) throw new Error(`bench: the commit gate failed directly:\n${run.output.slice(-3000)}`);
    return s;
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

/** Seconds from create to the PipelineRun's completion, and ms from create to the first step start. */
async function tekton(ci: LabCi, env: Record<string, string>): Promise<{ seconds: number; latencyMs: number }> {
  const body = {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { generateName: 'bench-repo-check-', namespace: CI_NAMESPACE },
    spec: {
      taskRunTemplate: { serviceAccountName: 'unidesk-ci-runner' },
      params: [
        { name: 'repo-url', value: env.UNIDESK_CI_REPO_URL },
        { name: 'revision', value: 'master' },
      ],
      workspaces: [
        { name: 'reports', emptyDir: {} },
        { name: 'git-credentials', secret: { secretName: GIT_CREDENTIALS_SECRET } },
      ],
      pipelineSpec: {
        params: [
          { name: 'repo-url', type: 'string' },
          { name: 'revision', type: 'string' },
        ],
        workspaces: [{ name: 'reports' }, { name: 'git-credentials' }],
        tasks: [
          {
            name: 'repo-check',
            taskRef: { name: 'unidesk-ci-repo-check' },
            params: [
              { name: 'repo-url', value: '$(params.repo-url)' },
              { name: 'revision', value: '$(params.revision)' },
            ],
            workspaces: [
              { name: 'reports', workspace: 'reports' },
              { name: 'git-credentials', workspace: 'git-credentials' },
            ],
          },
        ],
      },
    },
  };
  const t0 = performance.now();
  const pr = (await ci.kube.objects.create(body)) as unknown as PipelineRun;
  let latencyMs = -1;
  for (;;) {
    if (latencyMs < 0) {
      const [tr] = await listTaskRuns(ci.kube, pr.metadata.name);
      const step = tr?.status?.steps?.[0];
      if (step?.running || step?.terminated) latencyMs = performance.now() - t0;
    }
    const live = await readPipelineRun(ci.kube, pr.metadata.name);
    if (isDone(succeededCondition(live))) {
      if (succeededCondition(live)!.status !== 'True') throw new Error(`bench: ${pr.metadata.name} ${JSON.stringify(succeededCondition(live))}`);
      return { seconds: (performance.now() - t0) / 1000, latencyMs };
    }
    await sleep(latencyMs < 0 ? 5 : 50);
  }
}

async function main(): Promise<void> {
  const rounds = benchRounds(5);
  await using lab = await startLab({ services: ['proxy', 'git', 'registry', 'postgres', 'cluster', 'tekton'], log: (l) => console.log(l) });
  const ci = await installLabCi(lab.env, (l) => console.log(l));
  console.log('bench tekton: warm-up (one direct run, one PipelineRun) ...');
  await direct(lab.env);
  await tekton(ci, lab.env);
  const samples: Sample[] = [];
  for (let i = 0; i < rounds; i++) {
    const s: Sample = { direct: 0, tekton: 0, latency: 0 };
    const runT = async () => {
      const t = await tekton(ci, lab.env);
      s.tekton = t.seconds;
      s.latency = t.latencyMs;
    };
    // alternate which goes first, so drift on a shared machine hits both sides alike
    if (i % 2 === 0) {
      await runT();
      s.direct = await direct(lab.env);
    } else {
      s.direct = await direct(lab.env);
      await runT();
    }
    console.log(`round ${i + 1}/${rounds}: direct ${s.direct.toFixed(2)} s, tekton ${s.tekton.toFixed(2)} s, create → first step ${s.latency.toFixed(0)} ms (load ${loadavg()[0].toFixed(2)})`);
    samples.push(s);
  }
  const d = median(samples.map((s) => s.direct));
  const t = median(samples.map((s) => s.tekton));
  const lat = samples.map((s) => s.latency);
  console.log('');
  console.log(`commit gate, ${rounds} rounds (medians): direct ${d.toFixed(2)} s, through a PipelineRun ${t.toFixed(2)} s`);
  console.log(`  Tekton layer overhead: ${(t - d).toFixed(2)} s (target ≤ 1.5 s), ratio ${(t / d).toFixed(3)}`);
  console.log(`  controller latency, PipelineRun created → first step started: median ${median(lat).toFixed(0)} ms, max ${Math.max(...lat).toFixed(0)} ms (target ≤ 300 ms)`);
}

await main();

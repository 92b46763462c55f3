// Global setup of every gate: fixes the run id, starts the lab in lab mode (unless the caller
// already points the gate at running services), and hands the endpoints to the workers.
// Kubernetes steps (janitor, apply k3s/ci, the run's ephemeral namespace) hook in via setupSteps.
import type { TestProject } from 'vitest/node';
import { GATES, loadConfig, type Gate, type RunConfig } from '../harness/config.ts';
import { gatesWhere } from '../harness/gates.ts';
import { GATE_SERVICES, startLab } from '../fixtures/lab/index.ts';
import type { SetupStep } from './setup-steps.ts';
import { join, resolve } from 'node:path';
import { stampJUnitFile } from '../harness/report/junit-properties.ts';
import { recordAfterGate } from '../harness/report/store/after-gate.ts';
import { failureClassOf } from '../harness/failure.ts';
import { readJUnit } from '../harness/report/junit-read.ts';
import { writeGateResults } from '../harness/tekton/gate-results.ts';
import { startCleanupOwner } from '../harness/cleanup/owner.ts';
import { LEDGER_ENV } from '../harness/cleanup/ledger.ts';

/**
 * Gates whose steps never call the Kubernetes API: the seed's repo check, and the artifact
 * publication (a CI producer: it must not touch the cluster at all). Their global setup does not
 * load the Kubernetes setup steps (harness/kube + client-node: ~0.8 s of every run) unless
 * UNIDESK_CI_APPLY_MANIFESTS=1 asks for k3s/ci to be applied.
 */
export const KUBERNETES_FREE_GATES: readonly Gate[] = gatesWhere((g) => !g.cluster);

export async function setupStepsFor(gate: Gate, applyManifests: boolean): Promise<readonly SetupStep[]> {
  if (KUBERNETES_FREE_GATES.includes(gate) && !applyManifests) return [];
  return (await import('./setup-steps.ts')).setupSteps;
}

/** The --outputFile.junit of this Vitest invocation: written before global teardown runs. */
function junitOutput(project: TestProject): string | undefined {
  const out = project.vitest.config.outputFile as string | Record<string, string> | undefined;
  const file = typeof out === 'string' ? out : out?.junit;
  return file ? resolve(project.vitest.config.root, file) : undefined;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const gate = project.name as Gate;
  // unclassified: a harness bug (vitest.config.ts names only gate projects)
  if (!(GATES as readonly string[]).includes(gate)) throw new Error(`global setup: unknown gate project ${project.name}`);
  const base = loadConfig(process.env);
  let config: RunConfig = { ...base, gate };
  const startedAt = new Date();
  const ciEnv: Record<string, string> = { UNIDESK_CI_RUN_ID: base.runId, UNIDESK_CI_GATE: gate };
  const teardowns: Array<() => Promise<void>> = [];

  // lab mode with no endpoints given: this invocation owns the lab; its variables join the steps' and workers' configuration
  if (base.lab && !base.labExternal) {
    const lab = await startLab({ services: GATE_SERVICES[gate], log: (l) => console.log(l) });
    Object.assign(ciEnv, lab.env);
    teardowns.push(lab.stop);
    config = loadConfig({ ...process.env, ...ciEnv });
  }

  const steps = await setupStepsFor(gate, base.applyManifests);
  // before anything is created: deletes the run's objects if Vitest dies first (harness/cleanup)
  const owner = steps.length ? await startCleanupOwner({ dir: join(base.reportDir, 'cleanup'), gate, env: { ...process.env, ...ciEnv } }) : undefined;
  if (owner) process.env[LEDGER_ENV] = ciEnv[LEDGER_ENV] = owner.ledger;
  try {
    for (const step of steps) {
      const teardown = await step({ gate, env: { ...process.env, ...ciEnv }, ciEnv, config });
      if (teardown) teardowns.push(teardown);
    }
  } catch (e) {
    let clean = true;
    for (const t of teardowns.reverse()) await t().catch(() => void (clean = false));
    if (clean) await owner?.release();
    throw e;
  }

  project.provide('ciEnv', ciEnv);
  project.provide('ciConfig', config);
  let done = false;
  const teardown = async () => {
    if (done) return;
    done = true;
    const errors: string[] = [];
    for (const t of [...teardowns].reverse()) await t().catch((e: Error) => errors.push(e.message));
    if (errors.length) console.error(`global teardown: ${errors.join('; ')}`);
    // a teardown that failed leaves its objects to the owner, which tries again when Vitest ends
    else await owner?.release();
    // run-level facts at testsuite level (architecture.md, Reports)
    const junit = junitOutput(project);
    if (junit) await stampJUnitFile(junit).catch((e: Error) => console.error(`global teardown: JUnit properties: ${e.message}`));
    // the recording step (docs/results.md): the verdict is in the file before the store is touched
    // a failure is one classified line and a failed exit, not a stack trace from Vitest's close
    if (junit) {
      await recordAfterGate({ junitPath: junit, gate, config: base, startedAt }).catch((e: Error) => {
        console.error(`global teardown: [${failureClassOf(e) ?? 'infra.network'}] ${e.message}`);
        process.exitCode = 1;
      });
    }
    // the Task results (`commit`, `failure-class`) a PipelineRun's consumers read instead of JUnit
    const report = junit ? await readJUnit(junit).catch(() => undefined) : undefined;
    // (after recording: a store that was down is the TaskRun's failure-class when the gate passed)
    await writeGateResults(base.resultsDir, report).catch((e: Error) => console.error(`global teardown: Task results: ${e.message}`));
  };
  return teardown;
}

// `unidesk-ci` as a Tekton client, against the lab's cluster double and its Tekton controller
// after the lab's `ci install`: the commands run as child processes exactly as a CI engineer types
// them, and are judged by what they printed, their exit code and the PipelineRuns they created.
// One lab for the file; runs that do not depend on each other are started together.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CI_NAMESPACE } from '../../harness/config.ts';
import { EXIT_CODES } from '../../harness/failure.ts';
import { git } from '../../harness/git/exec.ts';
import { rawApply, rawRead } from '../../harness/kube/raw.ts';
import { cancelPipelineRun, listTaskRuns, readPipelineRun, succeededCondition } from '../../harness/tekton/index.ts';
import { listPipelineRuns } from '../../harness/tekton/list.ts';
import { childEnv, PROJECT_ROOT } from '../../harness/report/junit-gate-run.ts';
import { installLabCi, type LabCi } from '../../fixtures/lab/tekton/ci.ts';
import { useLab } from '../support/lab.ts';
import { pushSlowCheckBranch, SLOW_CHECK_BRANCH } from '../support/slow-check-branch.ts';

const lab = useLab(['proxy', 'git', 'registry', 'postgres', 'cluster', 'tekton'], 300_000);
let ci: LabCi;
const SLOW = SLOW_CHECK_BRANCH;
beforeAll(async () => {
  ci = await installLabCi(lab.env, () => undefined);
  // the run is still going when --wait-ms or Ctrl-C comes
  await pushSlowCheckBranch(lab.env.LAB_GIT_ROOT!);
}, 1_200_000);

type Cli = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number };

/** `npx unidesk-ci <args>` with the lab's variables; `onOut` sees stdout as it comes (and may signal the child). */
function cli(args: string[], onOut?: (text: string, child: ReturnType<typeof spawn>) => void, env: Record<string, string | undefined> = {}): Promise<Cli> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'harness/cli/bin.js'), ...args], { cwd: PROJECT_ROOT, env: childEnv({ ...lab.env, ...env }) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    onOut?.(stdout, child);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })));
}

const runName = (out: string) => /^PipelineRun started: (\S+)$/m.exec(out)?.[1];
const headOf = async (ref: string) => (await git(['rev-parse', `${ref}^{commit}`], { cwd: join(lab.env.LAB_GIT_ROOT!, 'unidesk.git') })).stdout.trim();

describe('unidesk-ci run / publish-backend-core / run-dev-e2e: one PipelineRun each, followed to its verdict', () => {
  // independent runs, started together
  let good: Promise<Cli>;
  let broken: Promise<Cli>;
  let publish: Promise<Cli>;
  let devE2e: Promise<Cli>;
  beforeAll(() => {
    good = cli(['run', '--revision', 'master']);
    broken = cli(['run', '--revision', 'broken/ts-error', '--output', 'json']);
    publish = cli(['publish-backend-core', '--revision', 'v0.1.0']);
    devE2e = cli(['run-dev-e2e', '--wait-ms', '300000']);
  });

  test('run --revision master: the name at once, TaskRun states, [task : step] logs, the summary, exit 0', async () => {
    const r = await good;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const name = runName(r.stdout)!;
    expect(name).toMatch(/^unidesk-ci-commit-[a-z0-9]{5}$/);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`revision master is ${await headOf('master')} (refs/heads/master) on ${lab.env.UNIDESK_CI_REPO_URL} (${/\((\d+) ms\)$/.exec(lines[0])?.[1]} ms)`);
    expect(lines[1]).toBe(`PipelineRun started: ${name}`);
    expect(lines).toContain(`TaskRun ${name}-repo-check (repo-check): Running`);
    expect(lines).toContain(`TaskRun ${name}-perf (perf): Succeeded`);
    expect(lines).toContain('[repo-check : commit-gate] [commit : check] check: backend-core cargo check ok');
    // plain gate lines: no Vitest `stdout | file > test` headers in the step log
    expect(r.stdout).not.toMatch(/^\[repo-check : commit-gate\] stdout \|/m);
    expect(r.stdout).toContain(`PipelineRun ${name}: Succeeded`);
    expect(r.stdout).toContain(`  commit ${await headOf('master')}`);
    expect(r.stdout).toMatch(/^ {2}repo-check\s+Succeeded\s+---$/m);
    expect(r.stdout).toMatch(/^ {2}backend-core-artifact\s+Skipped\s+---\s+When Expressions evaluated to false$/m);
    expect(r.stdout).toMatch(/^ {2}exit 0$/m);
    // not a TTY: the CLI's own lines carry no colours (the step logs are the steps' own)
    expect(lines.filter((l) => !l.startsWith('[')).join('\n')).not.toContain('\x1b[');
    const pr = await readPipelineRun(ci.kube, name);
    expect(pr.metadata.generateName).toBe('unidesk-ci-commit-');
    expect(pr.spec!.pipelineRef).toEqual({ name: 'unidesk-ci-commit' });
    expect(pr.spec!.params).toEqual([
      { name: 'repo-url', value: lab.env.UNIDESK_CI_REPO_URL },
      { name: 'revision', value: 'master' },
    ]);
    expect(succeededCondition(pr)).toMatchObject({ status: 'True' });
  });

  test('a failing commit (--output json): the app exit code; the JSON summary names the task, its class and its first failure line', async () => {
    const r = await broken;
    expect(r.code, r.stderr).toBe(EXIT_CODES.app);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ status: 'Failed', exitCode: 20, failureClass: 'app', commit: await headOf('broken/ts-error') });
    expect(summary.tasks[0]).toMatchObject({ task: 'repo-check', status: 'Failed', failureClass: 'app', message: expect.stringMatching(/check --full --rust.*error TS2322/) });
    // progress and logs went to stderr, so stdout is only the JSON
    expect(r.stderr).toContain(`PipelineRun started: ${summary.name}`);
    expect(r.stderr).toMatch(/^\[repo-check : commit-gate\] /m);
  });

  test('publish-backend-core --revision v0.1.0: the publish PipelineRun; IMAGE_URL and IMAGE_DIGEST from its results', async () => {
    const r = await publish;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const name = runName(r.stdout)!;
    expect(name).toMatch(/^unidesk-backend-core-artifact-publish-[a-z0-9]{5}$/);
    const results = Object.fromEntries((await readPipelineRun(ci.kube, name)).status!.results!.map((x) => [x.name, x.value]));
    expect(results.IMAGE_URL).toBe(`${lab.env.UNIDESK_CI_REGISTRY}/unidesk/backend-core:${await headOf('v0.1.0')}`);
    expect(r.stdout).toMatch(new RegExp(`^IMAGE_URL=${results.IMAGE_URL}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^IMAGE_DIGEST=${results.IMAGE_DIGEST}$`, 'm'));
    expect(results.IMAGE_DIGEST).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  test('run-dev-e2e: the unidesk-ci-dev-e2e PipelineRun runs the dev-e2e gate as the runner: Succeeded, exit 0, the run namespace gone', async () => {
    const r = await devE2e;
    const name = runName(r.stdout)!;
    expect(name, r.stdout + r.stderr).toMatch(/^unidesk-ci-dev-e2e-[a-z0-9]{5}$/);
    const pr = await readPipelineRun(ci.kube, name);
    expect(pr.spec!.pipelineRef).toEqual({ name: 'unidesk-ci-dev-e2e' });
    expect(succeededCondition(pr), r.stdout + r.stderr).toMatchObject({ status: 'True' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`PipelineRun ${name}: Succeeded`);
    expect(r.stdout).toMatch(/^ {2}dev-e2e\s+Succeeded\s+---$/m);
    // the gate's own lines, from inside the Task: the image, the rollouts, the API through the service proxy
    expect(r.stdout).toMatch(/^\[dev-e2e : dev-e2e-gate\] node import: .* imported into containerd with digest sha256:/m);
    expect(r.stdout).toMatch(/^\[dev-e2e : dev-e2e-gate\] dev-e2e: waiting for Deployment unidesk-ci-e2e-[a-z0-9-]+\/code-queue-read to roll out$/m);
    // as the runner ServiceAccount: its run namespace was created and deleted again
    const left = (await ci.kube.core.listNamespace()).items.map((n) => n.metadata!.name!).filter((n) => n.startsWith('unidesk-ci-e2e-'));
    expect(left).toEqual([]);
  });
});

describe('input is checked before anything is created', () => {
  test('an unknown revision: exit input, naming it; no PipelineRun created', async () => {
    const before = (await listPipelineRuns(ci.kube)).length;
    const r = await cli(['run', '--revision', 'no-such-branch']);
    expect(r.code, r.stdout + r.stderr).toBe(EXIT_CODES.input);
    expect(r.stderr).toContain('unidesk-ci: [input] unknown revision "no-such-branch"');
    expect(r.stdout).not.toContain('PipelineRun started');
    expect((await listPipelineRuns(ci.kube)).length).toBe(before);
  });

  test('logs of a run that does not exist: input, listing the last runs', async () => {
    const r = await cli(['logs', 'unidesk-ci-commit-nope']);
    expect(r.code).toBe(EXIT_CODES.input);
    expect(r.stderr).toMatch(/PipelineRun unidesk-ci-commit-nope not found in unidesk-ci; the last runs are:\n {2}unidesk-\S+ {2}\S+/);
  });
});

describe('stopping to wait', () => {
  test('--wait-ms too short: the documented exit code, the command to follow it, the run still Running', async () => {
    const r = await cli(['run', '--revision', SLOW, '--wait-ms', '3000']);
    expect(r.code, r.stdout + r.stderr).toBe(75);
    const name = runName(r.stdout)!;
    expect(r.stdout).toContain(`PipelineRun ${name} is still running after --wait-ms 3000; it was not cancelled.`);
    expect(r.stdout).toContain(`follow it with: unidesk-ci logs ${name} -f`);
    const pr = await readPipelineRun(ci.kube, name);
    expect(succeededCondition(pr)?.status).toBe('Unknown');
    expect(pr.spec!.status).toBeUndefined();
    await cancelPipelineRun(ci.kube, name);
  });

  test('Ctrl-C while waiting: the run is cancelled (spec.status Cancelled), ends Cancelled, exit 130', async () => {
    let sent = false;
    const r = await cli(['run', '--revision', SLOW], (out, child) => {
      if (!sent && /\(repo-check\): Running/.test(out) && /^\[repo-check : commit-gate\] /m.test(out)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent, r.stdout + r.stderr).toBe(true);
    expect(r.code, r.stdout + r.stderr).toBe(130);
    const name = runName(r.stdout)!;
    expect(r.stdout).toContain(`cancelling PipelineRun ${name} (spec.status: Cancelled); Ctrl-C again to exit at once`);
    expect(r.stdout).toContain(`PipelineRun ${name} ended Cancelled`);
    const pr = await readPipelineRun(ci.kube, name);
    expect(pr.spec!.status).toBe('Cancelled');
    expect(succeededCondition(pr)).toMatchObject({ status: 'False', reason: 'Cancelled' });
    expect((await listTaskRuns(ci.kube, name)).map((t) => t.spec?.status)).toEqual(['TaskRunCancelled']);
  });
});

describe('unidesk-ci status', () => {
  const EL_SERVICE = 'el-unidesk-ci';
  let standIn = false;
  beforeAll(async () => {
    // the EventListener's Service is the Triggers controller's to create; where the lab has none
    // yet, the test makes the one it would (a ClusterIP Service)
    const has = await ci.kube.core.readNamespacedService({ name: EL_SERVICE, namespace: CI_NAMESPACE }).then(
      () => true,
      () => false,
    );
    if (!has) {
      standIn = true;
      await rawApply(
        ci.kube,
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: EL_SERVICE, namespace: CI_NAMESPACE },
          spec: { type: 'ClusterIP', selector: { eventlistener: 'unidesk-ci' }, ports: [{ name: 'http-listener', port: 8080, targetPort: 8080 }] },
        } as never,
        'lab-triggers-stand-in',
      );
    }
  });

  test('healthy: versions, k3s/ci in sync, step image served, EventListener Service, budgets, the last runs as tkn shows them; exit 0', async () => {
    const r = await cli(['status']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Tekton Pipelines\s+ok\s+v1\.12\.0; tekton-pipelines-controller, tekton-pipelines-webhook Available$/m);
    expect(r.stdout).toMatch(/^Tekton Triggers\s+ok\s+v0\.34\.0/m);
    expect(r.stdout).toMatch(/^k3s\/ci\s+ok\s+\d+ objects as applied match this checkout$/m);
    expect(r.stdout).toMatch(new RegExp(`^step image\\s+ok\\s+\\S+/unidesk/unidesk-ci:\\S+ served as sha256:[a-f0-9]{64}$`, 'm'));
    expect(r.stdout).toMatch(/^EventListener\s+ok\s+Service el-unidesk-ci ClusterIP \S+:8080(,\d+)*$/m);
    expect(r.stdout).toMatch(/^budgets\s+ok\s+overview\.first-payload 10000 ms blocking/m);
    expect(r.stdout).toMatch(/^NAME\s+PIPELINE\s+COMMIT\s+STATUS\s+STARTED\s+DURATION$/m);
    expect(r.stdout).toMatch(/^unidesk-ci-commit-\S+\s+unidesk-ci-commit\s+\S+\s+(Cancelled|Failed|Succeeded)/m);
    expect(r.stdout).toMatch(/^CI is healthy$/m);
    const json = await cli(['status', '--output', 'json', '--runs', '2']);
    expect(JSON.parse(json.stdout)).toMatchObject({ healthy: true, reasons: [], runs: [expect.objectContaining({ pipeline: expect.any(String) }), expect.anything()] });
  });

  test('Tekton at the wrong version or missing, drift, an EventListener without its Service: infra.cluster naming each', async () => {
    const info = (name: string) => rawRead(ci.kube, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'tekton-pipelines' } });
    const pipelinesInfo = await info('pipelines-info');
    const triggersInfo = await info('triggers-info');
    const budgets = await rawRead(ci.kube, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unidesk-ci-budgets', namespace: CI_NAMESPACE } });
    try {
      await rawApply(ci.kube, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pipelines-info', namespace: 'tekton-pipelines' }, data: { version: 'v1.11.0' } } as never, 'test-downgrade');
      await ci.kube.core.deleteNamespacedConfigMap({ name: 'triggers-info', namespace: 'tekton-pipelines' });
      await rawApply(
        ci.kube,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unidesk-ci-budgets', namespace: CI_NAMESPACE }, data: { 'trace-summary.budget-ms': '1' } } as never,
        'test-drift',
      );
      if (standIn) await ci.kube.core.deleteNamespacedService({ name: EL_SERVICE, namespace: CI_NAMESPACE });
      const r = await cli(['status']);
      expect(r.code, r.stdout + r.stderr).toBe(EXIT_CODES['infra.cluster']);
      expect(r.stdout).toMatch(/^Tekton Pipelines\s+FAIL\s+Tekton Pipelines: installed v1\.11\.0, required v1\.12\.0 \(ConfigMap tekton-pipelines\/pipelines-info\)$/m);
      expect(r.stdout).toMatch(/^Tekton Triggers\s+FAIL\s+Tekton Triggers v0\.34\.0 is not installed: ConfigMap tekton-pipelines\/triggers-info not found$/m);
      expect(r.stdout).toMatch(
        /^k3s\/ci\s+FAIL\s+drift from this checkout \(1 of \d+ objects; unidesk-ci install applies it\): ConfigMap unidesk-ci\/unidesk-ci-budgets differs at data\.trace-summary\.budget-ms$/m,
      );
      if (standIn) expect(r.stdout).toMatch(/^EventListener\s+FAIL\s+EventListener unidesk-ci exists but its Service el-unidesk-ci does not/m);
      expect(r.stdout).toMatch(/^CI is not healthy: Tekton Pipelines: installed v1\.11\.0.* \| Tekton Triggers v0\.34\.0 is not installed.* \| k3s\/ci: drift from this checkout/m);
    } finally {
      const restore = (o: Record<string, any>, manager: string) =>
        rawApply(ci.kube, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: o.metadata.name, namespace: o.metadata.namespace, labels: o.metadata.labels }, data: o.data } as never, manager);
      await restore(pipelinesInfo, 'test-downgrade');
      await restore(triggersInfo, 'lab-tekton');
      await restore(budgets, 'unidesk-ci');
    }
  });
});

afterAll(async () => {
  // nothing of this file keeps running: whatever is still going is cancelled
  for (const pr of ci ? await listPipelineRuns(ci.kube).catch(() => []) : []) {
    if (succeededCondition(pr)?.status !== 'True' && succeededCondition(pr)?.status !== 'False') await cancelPipelineRun(ci.kube, pr.metadata.name).catch(() => undefined);
  }
});

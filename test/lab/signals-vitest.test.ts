// SIGTERM to the real Vitest main process of a gate — only to it, as `kill -TERM <pid>` does —
// at three points: while the run namespace is being created, while code-queue-ci-read rolls out,
// while the perf gate measures. Vitest ends its main process and workers at once, so only the
// cleanup owner (harness/cleanup) can delete what the run created: the test waits for its log to
// say it is done, then lists the cluster double. A gate that ends normally releases the owner.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GATE_SERVICES, startLab, type Lab } from '../../fixtures/lab/index.ts';
import { labClusterAdminFromKubeconfig } from '../../fixtures/lab/cluster/admin-client.ts';
import { childEnv, PROJECT_ROOT } from '../../harness/report/junit-gate-run.ts';
import { processTree, signalPid } from '../../harness/process/tree.ts';

const VITEST_BIN = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
let lab: Lab;
let dir: string;
const faultsFile = () => join(dir, 'faults.json');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signals-vitest-'));
  // the lab's code-queue pod runner hands this file to the read service it starts
  process.env.LAB_CODE_QUEUE_FAULTS_FILE = faultsFile();
  await writeFile(faultsFile(), '{}');
  lab = await startLab({ services: GATE_SERVICES.perf, log: () => undefined });
}, 180_000);
afterAll(async () => {
  delete process.env.LAB_CODE_QUEUE_FAULTS_FILE;
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

type Killed = { runId: string; output: string; ownerLog: string; exit: { code: number | null; signal: string | null } };

/**
 * Runs `vitest run --project <gate>`; at the first output line matching `when`, SIGTERM to its main
 * process only — or, with `group`, to its whole process group (Vitest started as a group leader).
 */
async function killGateAt(gate: 'perf' | 'dev-e2e', when: RegExp, runId: string, group = false): Promise<Killed> {
  const reportDir = join(dir, runId);
  const env = childEnv({ ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', UNIDESK_CI_RUN_ID: runId, UNIDESK_CI_REPORT_DIR: reportDir, FORCE_COLOR: '0', NO_COLOR: '1' });
  const child: ChildProcess = spawn(process.execPath, [VITEST_BIN, 'run', '--project', gate], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
  const exit = new Promise<Killed['exit']>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  let output = '';
  let tree: number[] = [];
  const reached = new Promise<void>((res) => {
    const feed = (c: Buffer) => {
      output += c.toString();
      if (when.test(output) && !tree.length) {
        tree = processTree(child.pid!);
        if (group) process.kill(-child.pid!, 'SIGTERM');
        else child.kill('SIGTERM'); // the main process only, not its workers or group
        res();
      }
    };
    child.stdout!.on('data', feed);
    child.stderr!.on('data', feed);
  });
  try {
    await Promise.race([reached, exit.then(() => Promise.reject(new Error(`the gate ended before ${when}:\n${output}`)))]);
    const ended = await exit;
    const logPath = join(reportDir, 'cleanup', `${gate}.owner.log`);
    let ownerLog = '';
    // bounded: 90 s for the owner to finish, 15 s for it to have said anything at all
    for (const start = Date.now(); !/cleanup owner: done/.test(ownerLog) && Date.now() - start < (ownerLog ? 90_000 : 15_000); ) {
      await new Promise((r) => setTimeout(r, 200));
      ownerLog = await readFile(logPath, 'utf8').catch(() => '');
    }
    return { runId, output, ownerLog, exit: ended };
  } finally {
    // a worker that outlived its main process is this test's to end
    for (const p of tree.slice(1)) signalPid(p, 'SIGKILL');
    child.kill('SIGKILL');
  }
}

/** What the run left: its namespace and what is in it, the read service's objects (Events expire by themselves). */
async function leftovers(runId: string): Promise<string[]> {
  const admin = await labClusterAdminFromKubeconfig(lab.env.UNIDESK_CI_KUBECONFIG);
  return (await admin.objects())
    .filter((o) => o.kind !== 'Event')
    .filter(
      (o) =>
        (o.kind === 'Namespace' && o.metadata.name === `unidesk-ci-e2e-${runId}`) ||
        o.metadata.namespace === `unidesk-ci-e2e-${runId}` ||
        (o.metadata.namespace === 'unidesk-ci' && /^code-queue-ci-read/.test(o.metadata.name ?? '')),
    )
    .map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} (run ${o.metadata.labels?.['unidesk.ai/ci-run'] ?? '-'})`);
}

describe('no signal', () => {
  test('a gate that ends normally releases the owner: it deletes nothing', { timeout: 240_000 }, async () => {
    const reportDir = join(dir, 'sig-vt-normal');
    const env = childEnv({ ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', UNIDESK_CI_RUN_ID: 'sig-vt-normal', UNIDESK_CI_REPORT_DIR: reportDir, FORCE_COLOR: '0', NO_COLOR: '1' });
    const child = spawn(process.execPath, [VITEST_BIN, 'run', '--project', 'perf'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    const code = await new Promise((res) => child.on('exit', res));
    expect(code, output).toBe(0);
    let ownerLog = '';
    for (const until = Date.now() + 30_000; !/released|done/.test(ownerLog) && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 200));
      ownerLog = await readFile(join(reportDir, 'cleanup', 'perf.owner.log'), 'utf8').catch(() => '');
    }
    expect(ownerLog).toMatch(/cleanup owner: released: the run cleaned up itself; nothing deleted/);
    expect(ownerLog).not.toMatch(/without releasing/);
    expect(await leftovers('sig-vt-normal')).toEqual([]);
  });
});

describe('SIGTERM to the Vitest main process: the cleanup owner deletes what the run created', () => {
  test('(a) while the run namespace is being created (dev-e2e global setup)', { timeout: 240_000 }, async () => {
    const k = await killGateAt('dev-e2e', /namespace: created unidesk-ci-e2e-/, 'sig-vt-ns');
    expect(await leftovers(k.runId), k.ownerLog).toEqual([]);
    expect(k.exit.code === 0, k.output).toBe(false);
    expect(k.ownerLog, k.output).toMatch(/cleanup owner: Namespace unidesk-ci-e2e-sig-vt-ns: deleted/);
    expect(k.ownerLog).toMatch(/cleanup owner: done/);
  });

  test('(b) while code-queue-ci-read rolls out (perf)', { timeout: 240_000 }, async () => {
    const admin = await labClusterAdminFromKubeconfig(lab.env.UNIDESK_CI_KUBECONFIG);
    await admin.settings({ readinessDelayMs: 3_600_000 }); // the pod never becomes ready: the gate sits in the rollout wait
    try {
      const k = await killGateAt('perf', /rollout Deployment unidesk-ci\/code-queue-ci-read: .*available/, 'sig-vt-rollout');
      expect(await leftovers(k.runId), k.ownerLog).toEqual([]);
      expect(k.ownerLog, k.output).toMatch(/cleanup owner: Deployment unidesk-ci\/code-queue-ci-read: deleted/);
      expect(k.ownerLog).toMatch(/cleanup owner: Secret unidesk-ci\/code-queue-ci-read-database: deleted/);
      expect(k.ownerLog).toMatch(/cleanup owner: done/);
    } finally {
      await admin.settings({ readinessDelayMs: 0 });
    }
  });

  test("(d) to Vitest's whole process group while code-queue-ci-read rolls out: the owner, in its own session, is not hit", { timeout: 240_000 }, async () => {
    const admin = await labClusterAdminFromKubeconfig(lab.env.UNIDESK_CI_KUBECONFIG);
    await admin.settings({ readinessDelayMs: 3_600_000 });
    try {
      const k = await killGateAt('perf', /rollout Deployment unidesk-ci\/code-queue-ci-read: .*available/, 'sig-vt-group', true);
      expect(await leftovers(k.runId), k.ownerLog).toEqual([]);
      expect(k.ownerLog, k.output).not.toMatch(/SIGTERM ignored/);
      expect(k.ownerLog).toMatch(/cleanup owner: done/);
    } finally {
      await admin.settings({ readinessDelayMs: 0 });
    }
  });

  test('(c) while the perf gate measures', { timeout: 240_000 }, async () => {
    await writeFile(faultsFile(), JSON.stringify({ overview: { latencyMs: 2000 } }));
    try {
      const k = await killGateAt('perf', /perf: cold overview\[0\]/, 'sig-vt-measure');
      expect(await leftovers(k.runId), k.ownerLog).toEqual([]);
      expect(k.ownerLog, k.output).toMatch(/cleanup owner: Service unidesk-ci\/code-queue-ci-read: deleted/);
      expect(k.ownerLog).toMatch(/cleanup owner: Deployment unidesk-ci\/code-queue-ci-read: deleted/);
      expect(k.ownerLog).toMatch(/cleanup owner: done/);
    } finally {
      await writeFile(faultsFile(), '{}');
    }
  });
});

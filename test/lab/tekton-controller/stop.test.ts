// Stopping runs: a PipelineRun past its timeout ends PipelineRunTimeout, a merge patch of
// spec.status Cancelled ends it Cancelled, CancelledRunFinally still runs finally; each time
// the running step's whole process tree is gone and its pod deleted. A TaskRun's own timeout
// ends TaskRunTimeout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, mergePatch, until } from '../cluster/support.ts';
import { alive, create, finished, get, haveCrds, script, startTektonLab, succeeded, type Lab } from './support.ts';

let c: Lab;
const ns = 'tekton-stop';
// the step starts a background sleeper and waits: both PIDs are written to the workspace
const SLEEPER = script('sleep', 'sleep 300 & echo "$$ $!" > "$(workspaces.out.path)/pids"; echo started; wait');
const sleeperTask = { name: 'slow', workspaces: [{ name: 'out', workspace: 'out' }], taskSpec: { workspaces: [{ name: 'out' }], steps: [SLEEPER] } };
const claim = { name: 'out', volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } };

async function pidsOf(pr: string, lab: Lab = c): Promise<number[]> {
  return until(async () => {
    const claim = (await lab.core.listNamespacedPersistentVolumeClaim({ namespace: lab.ns })).items.find((x) => x.metadata!.ownerReferences?.[0]?.name === pr);
    if (!claim?.spec?.volumeName) return undefined;
    const pv = await lab.core.readPersistentVolume({ name: claim.spec.volumeName });
    return readFileSync(join(pv.spec!.hostPath!.path, 'pids'), 'utf8').trim().split(' ').map(Number);
  }, `the step of ${pr} to start`);
}

const patchStatus = (name: string, status: string) =>
  c.custom.patchNamespacedCustomObject({ group: 'tekton.dev', version: 'v1', namespace: ns, plural: 'pipelineruns', name, body: { spec: { status } } }, mergePatch);

beforeAll(async () => {
  c = await startTektonLab(ns);
});
afterAll(() => c?.double.stop());

describe.skipIf(!haveCrds())('stopping runs', () => {
  test("past timeouts.pipeline: PipelineRunTimeout, the step's processes gone, the pod deleted", async () => {
    await create(c, 'pipelineruns', { metadata: { name: 'late' }, spec: { timeouts: { pipeline: '2s' }, workspaces: [claim], pipelineSpec: { workspaces: [{ name: 'out' }], tasks: [sleeperTask] } } });
    const pids = await pidsOf('late');
    expect(pids.every(alive)).toBe(true);
    const pr = await finished(c, 'pipelineruns', 'late');
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'PipelineRunTimeout', message: 'PipelineRun "late" failed to finish within "2s"' });
    const tr = await finished(c, 'taskruns', 'late-slow');
    // the TaskRun's own timeout is what was left of the pipeline's (as in Tekton), so on a loaded
    // machine it may end by itself a moment before the PipelineRun cancels it
    const expected = {
      TaskRunCancelled: 'TaskRun "late-slow" was cancelled. TaskRun cancelled as the PipelineRun it belongs to has timed out.',
      TaskRunTimeout: 'TaskRun "late-slow" failed to finish within "2s"',
    };
    const cond = succeeded(tr)!;
    expect(cond.status).toBe('False');
    expect(cond.message).toBe(expected[cond.reason as keyof typeof expected]);
    expect(tr.status!.steps[0]).toMatchObject({ container: 'step-sleep', terminated: { exitCode: 1, reason: cond.reason } });
    await until(() => pids.every((p) => !alive(p)), "the step's process tree to end");
    expect((await apiError(c.core.readNamespacedPod({ namespace: ns, name: 'late-slow-pod' }))).code).toBe(404);
  });

  test('spec.status Cancelled: Cancelled, processes gone, pod deleted', async () => {
    await create(c, 'pipelineruns', {
      metadata: { name: 'cancel-me' },
      spec: { workspaces: [claim], pipelineSpec: { workspaces: [{ name: 'out' }], tasks: [sleeperTask], finally: [{ name: 'cleanup', taskSpec: { steps: [script('c', 'echo cleanup')] } }] } },
    });
    const pids = await pidsOf('cancel-me');
    await patchStatus('cancel-me', 'Cancelled');
    const pr = await finished(c, 'pipelineruns', 'cancel-me');
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'Cancelled', message: 'PipelineRun "cancel-me" was cancelled' });
    const tr = await finished(c, 'taskruns', 'cancel-me-slow');
    expect(succeeded(tr)).toMatchObject({
      status: 'False',
      reason: 'TaskRunCancelled',
      message: 'TaskRun "cancel-me-slow" was cancelled. TaskRun cancelled as the PipelineRun it belongs to has been cancelled.',
    });
    await until(() => pids.every((p) => !alive(p)), "the step's process tree to end");
    expect((await apiError(c.core.readNamespacedPod({ namespace: ns, name: 'cancel-me-slow-pod' }))).code).toBe(404);
    expect((await apiError(get(c, 'taskruns', 'cancel-me-cleanup'))).code).toBe(404);
  });

  test('spec.status CancelledRunFinally: the running task is cancelled, finally runs, the run ends Cancelled', async () => {
    await create(c, 'pipelineruns', {
      metadata: { name: 'graceful' },
      spec: {
        workspaces: [claim],
        pipelineSpec: {
          workspaces: [{ name: 'out' }],
          tasks: [sleeperTask, { name: 'later', runAfter: ['slow'], taskSpec: { steps: [script('l', 'true')] } }],
          finally: [{ name: 'cleanup', params: [{ name: 's', value: '$(tasks.slow.status)' }], taskSpec: { params: [{ name: 's' }], steps: [script('c', 'echo "slow was $(params.s)"')] } }],
        },
      },
    });
    const pids = await pidsOf('graceful');
    await patchStatus('graceful', 'CancelledRunFinally');
    const pr = await finished(c, 'pipelineruns', 'graceful');
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'Cancelled', message: 'PipelineRun "graceful" was cancelled' });
    expect(pr.status!.skippedTasks).toEqual([{ name: 'later', reason: 'PipelineRun was stopping' }]);
    expect(succeeded(await get(c, 'taskruns', 'graceful-slow'))).toMatchObject({ reason: 'TaskRunCancelled' });
    expect(succeeded(await get(c, 'taskruns', 'graceful-cleanup'))).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(await c.core.readNamespacedPodLog({ namespace: ns, name: 'graceful-cleanup-pod', container: 'step-c' })).toBe('slow was Failed\n');
    await until(() => pids.every((p) => !alive(p)), "the step's process tree to end");
  });

  test('past timeouts.finally: the running finally task is cancelled as timed out and the run fails', async () => {
    await create(c, 'pipelineruns', {
      metadata: { name: 'slow-finally' },
      spec: {
        timeouts: { pipeline: '1m', finally: '1s' },
        pipelineSpec: { tasks: [{ name: 'quick', taskSpec: { steps: [script('q', 'true')] } }], finally: [{ name: 'slow', taskSpec: { steps: [script('s', 'sleep 300')] } }] },
      },
    });
    const pr = await finished(c, 'pipelineruns', 'slow-finally');
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'Failed', message: 'Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 0' });
    expect(succeeded(await get(c, 'taskruns', 'slow-finally-slow'))).toMatchObject({
      reason: 'TaskRunCancelled',
      message: 'TaskRun "slow-finally-slow" was cancelled. TaskRun cancelled as the PipelineRun it belongs to has timed out.',
    });
    expect(pr.status!.finallyStartTime).toBeTruthy();
  });

  test('a TaskRun cancelled directly (spec.status TaskRunCancelled) ends its step and pod', async () => {
    await create(c, 'taskruns', { metadata: { name: 'tr-cancel' }, spec: { taskSpec: { steps: [script('sleep', 'sleep 300')] } } });
    await until(async () => (await get(c, 'taskruns', 'tr-cancel')).status?.steps?.[0]?.running, 'the step to run');
    await c.custom.patchNamespacedCustomObject(
      { group: 'tekton.dev', version: 'v1', namespace: ns, plural: 'taskruns', name: 'tr-cancel', body: { spec: { status: 'TaskRunCancelled', statusMessage: 'by the test' } } },
      mergePatch,
    );
    const tr = await finished(c, 'taskruns', 'tr-cancel');
    expect(succeeded(tr)).toMatchObject({ status: 'False', reason: 'TaskRunCancelled', message: 'TaskRun "tr-cancel" was cancelled. by the test' });
    expect(tr.status!.steps[0]).toMatchObject({ terminated: { exitCode: 1, reason: 'TaskRunCancelled' }, terminationReason: 'TaskRunCancelled' });
    expect((await apiError(c.core.readNamespacedPod({ namespace: ns, name: 'tr-cancel-pod' }))).code).toBe(404);
  });

  test('a TaskRun past its own timeout ends TaskRunTimeout', async () => {
    await create(c, 'taskruns', { metadata: { name: 'tr-late' }, spec: { timeout: '1s', taskSpec: { steps: [script('sleep', 'sleep 300')] } } });
    const tr = await finished(c, 'taskruns', 'tr-late');
    expect(succeeded(tr)).toMatchObject({ status: 'False', reason: 'TaskRunTimeout', message: 'TaskRun "tr-late" failed to finish within "1s"' });
    expect(tr.status!.steps[0]).toMatchObject({ terminated: { exitCode: 1, reason: 'TaskRunTimeout' }, terminationReason: 'TaskRunTimeout' });
    expect((await apiError(c.core.readNamespacedPod({ namespace: ns, name: 'tr-late-pod' }))).code).toBe(404);
  });

  test('stopping the double ends every step it runs', async () => {
    const other = await startTektonLab('tekton-stop-double');
    try {
      await create(other, 'pipelineruns', { metadata: { name: 'orphan' }, spec: { workspaces: [claim], pipelineSpec: { workspaces: [{ name: 'out' }], tasks: [sleeperTask] } } });
      const pids = await pidsOf('orphan', other);
      expect(pids.every(alive)).toBe(true);
      await other.double.stop();
      await until(() => pids.every((p) => !alive(p)), "the step's processes to end with the double");
    } finally {
      await other.double.stop();
    }
  });
});

// A PipelineRun end to end in the double: DAG order from runAfter and result references, a
// when-skipped task, finally with $(tasks.status), pipeline results, Tekton's names, labels and
// messages, a volumeClaimTemplate workspace readable through its PersistentVolume's hostPath
// after the pods are gone, and the creation → first step latency (logged, not asserted).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { until } from '../cluster/support.ts';
import { create, finished, get, haveCrds, script, startTektonLab, succeeded, task, type Lab } from './support.ts';

let c: Lab;
const ns = 'tekton-pr';

beforeAll(async () => {
  c = await startTektonLab(ns);
  await create(
    c,
    'tasks',
    task('produce', {
      results: [{ name: 'commit' }],
      steps: [script('emit', 'date +%s%N > "$(workspaces.out.path)/first-step-ns"\nprintf \'%s\' "abc123-$(params.suffix)" > "$(results.commit.path)"'), script('after', 'echo produced')],
      params: [{ name: 'suffix', default: 'd' }],
      workspaces: [{ name: 'out' }],
    }),
  );
  await create(
    c,
    'tasks',
    task('consume', {
      params: [{ name: 'commit' }],
      workspaces: [{ name: 'out' }],
      steps: [script('write', 'echo "consumed $(params.commit) in $(context.taskRun.name)" | tee "$(workspaces.out.path)/consumed.txt"')],
    }),
  );
  await create(c, 'pipelines', {
    metadata: { name: 'ci' },
    spec: {
      params: [{ name: 'publish', default: 'false' }],
      workspaces: [{ name: 'shared' }],
      tasks: [
        { name: 'produce', taskRef: { name: 'produce' }, params: [{ name: 'suffix', value: 'x' }], workspaces: [{ name: 'out', workspace: 'shared' }] },
        { name: 'consume', taskRef: { name: 'consume' }, params: [{ name: 'commit', value: '$(tasks.produce.results.commit)' }], workspaces: [{ name: 'out', workspace: 'shared' }] },
        {
          name: 'publish',
          runAfter: ['produce'],
          when: [{ input: '$(params.publish)', operator: 'in', values: ['true'] }],
          taskRef: { name: 'consume' },
          params: [{ name: 'commit', value: 'never' }],
          workspaces: [{ name: 'out', workspace: 'shared' }],
        },
      ],
      finally: [
        {
          name: 'report',
          params: [
            { name: 'status', value: '$(tasks.status)' },
            { name: 'run', value: '$(context.pipelineRun.name)' },
          ],
          workspaces: [{ name: 'out', workspace: 'shared' }],
          taskSpec: {
            params: [{ name: 'status' }, { name: 'run' }],
            workspaces: [{ name: 'out' }],
            steps: [script('report', 'echo "$(params.run): $(params.status)" > "$(workspaces.out.path)/report.txt"')],
          },
        },
      ],
      results: [{ name: 'commit', value: '$(tasks.produce.results.commit)' }],
    },
  });
});
afterAll(() => c?.double.stop());

describe.skipIf(!haveCrds())('a PipelineRun of three tasks and a finally task', () => {
  let t0 = 0;
  let prName = '';
  test("ends Completed with Tekton's message, skipped task and results", async () => {
    t0 = Date.now();
    const pr = await create(c, 'pipelineruns', {
      metadata: { name: 'ci-run-1', labels: { app: 'lab' } },
      spec: {
        pipelineRef: { name: 'ci' },
        taskRunTemplate: { serviceAccountName: 'default' },
        workspaces: [{ name: 'shared', volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } }],
      },
    });
    prName = pr.metadata.name;
    const done = await finished(c, 'pipelineruns', prName);
    expect(succeeded(done)).toMatchObject({ status: 'True', reason: 'Completed', message: 'Tasks Completed: 3 (Failed: 0, Cancelled 0), Skipped: 1' });
    expect(done.status!.skippedTasks).toEqual([{ name: 'publish', reason: 'When Expressions evaluated to false', whenExpressions: [{ input: 'false', operator: 'in', values: ['true'] }] }]);
    expect(done.status!.results).toEqual([{ name: 'commit', value: 'abc123-x' }]);
    expect(done.status!.childReferences).toEqual(['produce', 'consume', 'report'].map((t) => ({ apiVersion: 'tekton.dev/v1', kind: 'TaskRun', name: `ci-run-1-${t}`, pipelineTaskName: t })));
    expect(done.status!.startTime).toBeTruthy();
    expect(done.metadata.labels).toEqual({ app: 'lab', 'tekton.dev/pipeline': 'ci' });
    expect(done.status!.completionTime).toBeTruthy();
  });

  test("TaskRuns, pods and containers carry Tekton's names and labels", async () => {
    const pr = await get(c, 'pipelineruns', prName);
    const tr = await get(c, 'taskruns', 'ci-run-1-produce');
    expect(tr.metadata.labels).toMatchObject({
      app: 'lab',
      'tekton.dev/pipeline': 'ci',
      'tekton.dev/pipelineRun': 'ci-run-1',
      'tekton.dev/pipelineRunUID': pr.metadata.uid,
      'tekton.dev/pipelineTask': 'produce',
      'tekton.dev/memberOf': 'tasks',
      'tekton.dev/task': 'produce',
    });
    expect((await get(c, 'taskruns', 'ci-run-1-report')).metadata.labels!['tekton.dev/memberOf']).toBe('finally');
    expect(succeeded(tr)).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(tr.status!.podName).toBe('ci-run-1-produce-pod');
    expect(tr.status!.results).toEqual([{ name: 'commit', type: 'string', value: 'abc123-x' }]);
    expect(
      tr.status!.steps.map((s: { name: string; container: string; terminated: { exitCode: number; reason: string } }) => [s.name, s.container, s.terminated.exitCode, s.terminated.reason]),
    ).toEqual([
      ['emit', 'step-emit', 0, 'Completed'],
      ['after', 'step-after', 0, 'Completed'],
    ]);
    const pod = await c.core.readNamespacedPod({ namespace: ns, name: 'ci-run-1-produce-pod' });
    expect(pod.metadata!.labels).toMatchObject({
      'tekton.dev/taskRun': 'ci-run-1-produce',
      'tekton.dev/taskRunUID': tr.metadata.uid,
      'app.kubernetes.io/managed-by': 'tekton-pipelines',
      'tekton.dev/pipelineTask': 'produce',
    });
    expect(pod.metadata!.ownerReferences).toMatchObject([{ kind: 'TaskRun', name: 'ci-run-1-produce', uid: tr.metadata.uid, controller: true }]);
    expect(pod.spec!.containers.map((x) => x.name)).toEqual(['step-emit', 'step-after']);
    expect(pod.spec!.serviceAccountName).toBe('default');
    expect(pod.status!.phase).toBe('Succeeded');
    expect(await c.core.readNamespacedPodLog({ namespace: ns, name: 'ci-run-1-consume-pod', container: 'step-write' })).toBe('consumed abc123-x in ci-run-1-consume\n');
  });

  test('the volumeClaimTemplate workspace lives on in its PersistentVolume after the pods are gone', async () => {
    const pr = await get(c, 'pipelineruns', prName);
    const claims = (await c.core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items;
    expect(claims).toHaveLength(1);
    expect(claims[0].metadata!.ownerReferences).toMatchObject([{ kind: 'PipelineRun', name: 'ci-run-1', uid: pr.metadata.uid }]);
    expect(claims[0].status!.phase).toBe('Bound');
    for (const t of ['produce', 'consume', 'report']) await c.custom.deleteNamespacedCustomObject({ group: 'tekton.dev', version: 'v1', namespace: ns, plural: 'taskruns', name: `ci-run-1-${t}` });
    await until(async () => (await c.core.listNamespacedPod({ namespace: ns })).items.length === 0, 'pods to go with their TaskRuns');
    // the TaskRuns' own directories (emptyDir workspaces, results, kubeconfig) go with them
    await until(() => !existsSync(join(c.double.dir, 'tekton', ns, 'ci-run-1-produce')), 'the TaskRun directory to go');
    const pv = await c.core.readPersistentVolume({ name: claims[0].spec!.volumeName! });
    const dir = pv.spec!.hostPath!.path;
    expect(pv.spec!.claimRef).toMatchObject({ name: claims[0].metadata!.name, namespace: ns });
    expect(readFileSync(join(dir, 'consumed.txt'), 'utf8')).toBe('consumed abc123-x in ci-run-1-consume\n');
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toBe('ci-run-1: Completed\n');
    const firstStepNs = BigInt(readFileSync(join(dir, 'first-step-ns'), 'utf8').trim());
    const controller = c.logLines.find((l) => l.includes('ci-run-1: first step started'));
    expect(controller).toMatch(/first step started \d+ ms after creation/);
    console.log(
      `tekton controller: ${controller}; client create call → first step's own clock: ${Number(firstStepNs / 1_000_000n) - t0} ms (includes schema validation of the create and /bin/sh startup)`,
    );
    // deleting the run deletes its claim, and the PV and directory go with it (reclaim policy Delete)
    await c.custom.deleteNamespacedCustomObject({ group: 'tekton.dev', version: 'v1', namespace: ns, plural: 'pipelineruns', name: prName });
    await until(() => !existsSync(dir), 'the PV directory to be reclaimed');
  });
});

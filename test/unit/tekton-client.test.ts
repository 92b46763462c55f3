// The harness's Tekton client, pure parts: tkn's STATUS words, the PipelineRun it creates, the
// order logs are shown in.
import { describe, expect, test } from 'vitest';
import { isDone, succeededCondition, tknStatus, type RunCondition } from '../../harness/tekton/condition.ts';
import { pipelineRunManifest, reportsWorkspace, secretWorkspace } from '../../harness/tekton/pipelinerun.ts';
import { orderedChildren, resultsOf, type PipelineRun } from '../../harness/tekton/run-objects.ts';
import { prefixed } from '../../harness/tekton/logs.ts';

describe('tknStatus (tkn pr list STATUS column)', () => {
  test.each<[RunCondition | undefined, string]>([
    [undefined, '---'],
    [{ status: 'True', reason: 'Succeeded' }, 'Succeeded'],
    [{ status: 'True', reason: 'Completed' }, 'Succeeded'],
    [{ status: 'False', reason: 'Failed' }, 'Failed'],
    [{ status: 'False', reason: 'CouldntGetTask' }, 'Failed(CouldntGetTask)'],
    [{ status: 'False', reason: 'PipelineRunTimeout' }, 'Failed(PipelineRunTimeout)'],
    [{ status: 'False', reason: 'Cancelled' }, 'Cancelled'],
    [{ status: 'False', reason: 'TaskRunCancelled' }, 'Cancelled(TaskRunCancelled)'],
    [{ status: 'Unknown', reason: 'Running' }, 'Running'],
    [{ status: 'Unknown', reason: 'Pending' }, 'Running(Pending)'],
    [{ status: 'Unknown', reason: 'PipelineRunPending' }, 'Pending'],
    [{ status: 'Unknown' }, 'Running'],
  ])('%j → %s', (c, word) => expect(tknStatus(c)).toBe(word));

  test('succeededCondition reads only the Succeeded condition; isDone only True/False', () => {
    const run = {
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Succeeded', status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 0' },
        ],
      },
    };
    expect(succeededCondition(run)).toEqual({ status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 0' });
    expect(isDone(succeededCondition(run))).toBe(false);
    expect(succeededCondition({ status: { conditions: [{ type: 'Succeeded', status: 'Maybe' }] } })).toBeUndefined();
    expect(isDone({ status: 'False', reason: 'Failed' })).toBe(true);
  });
});

test('pipelineRunManifest: generateName, params, workspaces, the runner ServiceAccount, run labels', () => {
  const pr = pipelineRunManifest(
    { pipeline: 'unidesk-ci-commit', params: { 'repo-url': 'http://git/u.git', revision: 'master' }, workspaces: [reportsWorkspace(), secretWorkspace('git-credentials', 'creds')] },
    'r1',
  );
  expect(pr.metadata).toEqual({ generateName: 'unidesk-ci-commit-', namespace: 'unidesk-ci', labels: { 'app.kubernetes.io/part-of': 'unidesk-ci', 'unidesk.ai/ci-run': 'r1' } });
  expect(pr.spec).toEqual({
    pipelineRef: { name: 'unidesk-ci-commit' },
    params: [
      { name: 'repo-url', value: 'http://git/u.git' },
      { name: 'revision', value: 'master' },
    ],
    workspaces: [
      { name: 'reports', volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
      { name: 'git-credentials', secret: { secretName: 'creds' } },
    ],
    taskRunTemplate: { serviceAccountName: 'unidesk-ci-runner' },
    // repo-check runs code of the commit: on a ServiceAccount with no token (docs/commit-gate.md)
    taskRunSpecs: [
      { pipelineTaskName: 'repo-check', serviceAccountName: 'unidesk-ci-repo-check' },
      { pipelineTaskName: 'backend-core-artifact', serviceAccountName: 'unidesk-ci-builder' },
    ],
  });
  expect(pipelineRunManifest({ pipeline: 'unidesk-ci-dev-e2e', params: {} }, 'r1').spec).not.toHaveProperty('taskRunSpecs');
});

test('orderedChildren: Pipeline order, then finally, whatever order the controller listed them in; results as strings', () => {
  const pr = {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name: 'p' },
    status: {
      pipelineSpec: { tasks: [{ name: 'repo-check' }, { name: 'perf' }], finally: [{ name: 'report' }] },
      childReferences: [
        { name: 'p-report', pipelineTaskName: 'report' },
        { name: 'p-perf', pipelineTaskName: 'perf' },
        { name: 'p-repo-check', pipelineTaskName: 'repo-check' },
      ],
      results: [
        { name: 'commit', value: 'abc' },
        { name: 'list', value: ['a', 'b'] },
      ],
    },
  } as PipelineRun;
  expect(orderedChildren(pr).map((c) => c.pipelineTaskName)).toEqual(['repo-check', 'perf', 'report']);
  expect(resultsOf(pr)).toEqual({ commit: 'abc', list: '["a","b"]' });
  expect(prefixed([{ task: 'repo-check', step: 'commit-gate', lines: ['one', 'two'] }])).toEqual(['[repo-check : commit-gate] one', '[repo-check : commit-gate] two']);
});

// The CLI's verdict on a finished PipelineRun: exit code from the tasks' failure-class results,
// Tekton-level failures as infra.cluster, Ctrl-C cancellation as 130; the summary lines.
import { expect, test } from 'vitest';
import { formatVerdict, pipelineRunVerdict } from '../../harness/cli/tekton/verdict.ts';
import type { PipelineRun, TaskRun } from '../../harness/tekton/run-objects.ts';

const SHA = 'b'.repeat(40);
const pr = (status: string, reason: string, message = '', extra: Partial<NonNullable<PipelineRun['status']>> = {}): PipelineRun => ({
  apiVersion: 'tekton.dev/v1',
  kind: 'PipelineRun',
  metadata: { name: 'unidesk-ci-commit-x1' },
  status: {
    conditions: [{ type: 'Succeeded', status, reason, message }],
    pipelineSpec: { tasks: [{ name: 'repo-check' }, { name: 'perf' }] },
    childReferences: [{ name: 'unidesk-ci-commit-x1-repo-check', pipelineTaskName: 'repo-check' }],
    ...extra,
  },
});
const tr = (name: string, status: string, reason: string, results: Record<string, string>): TaskRun => ({
  apiVersion: 'tekton.dev/v1',
  kind: 'TaskRun',
  metadata: { name },
  status: { conditions: [{ type: 'Succeeded', status, reason, message: `"step-gate" exited with code 20` }], results: Object.entries(results).map(([n, value]) => ({ name: n, value })) },
});

test('a failed gate: its class decides the exit code, its first failure line is shown, skipped tasks listed', () => {
  const v = pipelineRunVerdict(pr('False', 'Failed', 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 1', { skippedTasks: [{ name: 'perf', reason: 'PipelineRun was stopping' }] }), [
    tr('unidesk-ci-commit-x1-repo-check', 'False', 'Failed', { commit: SHA, 'failure-class': 'app', 'failure-message': 'check: error TS2322' }),
  ]);
  expect(v).toMatchObject({ status: 'Failed', exitCode: 20, failureClass: 'app', commit: SHA });
  expect(v.tasks).toEqual([
    { task: 'repo-check', taskRun: 'unidesk-ci-commit-x1-repo-check', status: 'Failed', failureClass: 'app', message: 'check: error TS2322' },
    { task: 'perf', status: 'Skipped', message: 'PipelineRun was stopping' },
  ]);
  const text = formatVerdict(v).join('\n');
  expect(text).toContain('PipelineRun unidesk-ci-commit-x1: Failed — Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 1');
  expect(text).toMatch(/repo-check\s+Failed\s+app\s+check: error TS2322/);
  expect(text).toContain(`commit ${SHA}`);
});

test.each([
  ['succeeded', pr('True', 'Succeeded'), [tr('unidesk-ci-commit-x1-repo-check', 'True', 'Succeeded', { commit: SHA, 'failure-class': 'none' })], 0],
  ['completed with a skipped task', pr('True', 'Completed'), [], 0],
  ['Tekton could not get a Task: infra.cluster', pr('False', 'CouldntGetTask'), [], 33],
  ['a timeout with no classified task: infra.cluster', pr('False', 'PipelineRunTimeout'), [tr('unidesk-ci-commit-x1-repo-check', 'False', 'TaskRunTimeout', {})], 33],
  ['cancelled', pr('False', 'Cancelled'), [], 130],
  ['the worst class wins over Cancelled', pr('False', 'Cancelled'), [tr('unidesk-ci-commit-x1-repo-check', 'False', 'Failed', { 'failure-class': 'infra.auth' })], 30],
  ['a step that failed without a class (the gate crashed): unclassified', pr('False', 'Failed'), [tr('unidesk-ci-commit-x1-repo-check', 'False', 'Failed', { 'failure-class': 'unclassified' })], 1],
  ['a TaskRun Tekton failed itself (an unpullable image): infra.cluster', pr('False', 'Failed'), [tr('unidesk-ci-commit-x1-repo-check', 'False', 'TaskRunImagePullFailed', {})], 33],
] as const)('%s → exit %i', (_n, run, trs, code) => {
  expect(pipelineRunVerdict(run, trs as readonly TaskRun[]).exitCode).toBe(code);
});

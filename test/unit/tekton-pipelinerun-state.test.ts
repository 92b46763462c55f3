// The PipelineRun's state and condition, table-driven like Tekton's pipelinerunstate_test.go:
// which tasks start, which are skipped and why, and the exact reason and message.
import { describe, expect, test } from 'vitest';
import { buildDag } from '../../fixtures/lab/cluster/controllers/tekton/dag.ts';
import { CANCELLED_BY_PIPELINE, CANCELLED_BY_TIMEOUT, planPipelineRun, type Child } from '../../fixtures/lab/cluster/controllers/tekton/pipelinerun-state.ts';
import type { PipelineSpec, PipelineTask } from '../../fixtures/lab/cluster/controllers/tekton/types.ts';

const t = (name: string, o: Partial<PipelineTask> = {}): PipelineTask => ({ name, taskRef: { name: 'x' }, ...o });
const ok = (task: string, results: Child['results'] = []): Child => ({ name: `run-${task}`, pipelineTask: task, condition: { status: 'True', reason: 'Succeeded' }, results });
const failed = (task: string): Child => ({ name: `run-${task}`, pipelineTask: task, condition: { status: 'False', reason: 'Failed' }, results: [] });
const running = (task: string): Child => ({ name: `run-${task}`, pipelineTask: task, condition: { status: 'Unknown', reason: 'Running' }, results: [] });
const cancelled = (task: string, statusMessage = CANCELLED_BY_PIPELINE): Child => ({
  name: `run-${task}`,
  pipelineTask: task,
  condition: { status: 'False', reason: 'TaskRunCancelled' },
  results: [],
  statusMessage,
});

const pipeline: PipelineSpec = {
  params: [{ name: 'publish', default: 'false' }],
  tasks: [t('a'), t('b', { params: [{ name: 'c', value: '$(tasks.a.results.commit)' }] }), t('c', { runAfter: ['a'], when: [{ input: '$(params.publish)', operator: 'in', values: ['true'] }] })],
  finally: [t('f', { params: [{ name: 's', value: '$(tasks.status)' }] })],
  results: [{ name: 'commit', value: '$(tasks.a.results.commit)' }],
};

function plan(children: Child[], o: { spec?: PipelineSpec; specStatus?: string; elapsedMs?: number; publish?: string; finallyElapsedMs?: number } = {}) {
  const spec = o.spec ?? pipeline;
  const dag = buildDag(spec.tasks ?? []);
  if (!('dag' in dag)) throw new Error(dag.error);
  return planPipelineRun({
    name: 'run',
    namespace: 'ns',
    uid: 'uid-1',
    pipelineName: 'p',
    spec,
    dag: dag.dag,
    params: new Map([['publish', o.publish ?? 'false']]),
    bound: new Set(),
    specStatus: o.specStatus,
    children,
    elapsedMs: o.elapsedMs ?? 1000,
    timeouts: { pipeline: 3_600_000, pipelineText: '1h0m0s', tasks: 1_800_000, tasksText: '30m0s', finally: 60_000 },
    finallyElapsedMs: o.finallyElapsedMs,
  });
}

describe('planPipelineRun', () => {
  test.each<[string, Child[], { start: string[]; reason: string; status: string; message: string; skipped?: [string, string][] }, Parameters<typeof plan>[1]?]>([
    ['nothing started: the roots start', [], { start: ['a'], status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 4, Skipped: 0' }],
    ['a running: nothing new', [running('a')], { start: [], status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 4, Skipped: 0' }],
    [
      'a done: b starts, c skipped by when',
      [ok('a', [{ name: 'commit', type: 'string', value: 'abc' }])],
      {
        start: ['b'],
        status: 'Unknown',
        reason: 'Running',
        message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 1',
        skipped: [['c', 'When Expressions evaluated to false']],
      },
    ],
    [
      'when true: c starts too',
      [ok('a', [{ name: 'commit', type: 'string', value: 'abc' }])],
      { start: ['b', 'c'], status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 3, Skipped: 0' },
      { publish: 'true' },
    ],
    [
      'a without its result: b skipped for missing results, the DAG is done, finally starts',
      [ok('a')],
      {
        start: ['f'],
        status: 'Unknown',
        reason: 'Running',
        message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 1, Skipped: 2',
        skipped: [
          ['b', 'Results were missing'],
          ['c', 'When Expressions evaluated to false'],
        ],
      },
    ],
    [
      'dag done: finally starts',
      [ok('a', [{ name: 'commit', type: 'string', value: 'abc' }]), ok('b')],
      {
        start: ['f'],
        status: 'Unknown',
        reason: 'Running',
        message: 'Tasks Completed: 2 (Failed: 0, Cancelled 0), Incomplete: 1, Skipped: 1',
        skipped: [['c', 'When Expressions evaluated to false']],
      },
    ],
    [
      'all done with a skip: Completed',
      [ok('a', [{ name: 'commit', type: 'string', value: 'abc' }]), ok('b'), ok('f')],
      { start: [], status: 'True', reason: 'Completed', message: 'Tasks Completed: 3 (Failed: 0, Cancelled 0), Skipped: 1', skipped: [['c', 'When Expressions evaluated to false']] },
    ],
    [
      'all done: Succeeded',
      [ok('a', [{ name: 'commit', type: 'string', value: 'abc' }]), ok('b'), ok('c'), ok('f')],
      { start: [], status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 4 (Failed: 0, Cancelled 0), Skipped: 0' },
      { publish: 'true' },
    ],
    [
      'a failed: the rest stop, finally runs',
      [failed('a')],
      {
        start: ['f'],
        status: 'Unknown',
        reason: 'Running',
        message: 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Incomplete: 1, Skipped: 2',
        skipped: [
          ['b', 'PipelineRun was stopping'],
          ['c', 'PipelineRun was stopping'],
        ],
      },
    ],
    ['a failed, finally done: Failed', [failed('a'), ok('f')], { start: [], status: 'False', reason: 'Failed', message: 'Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 2' }],
    ['a cancelled, finally done: Cancelled', [cancelled('a'), ok('f')], { start: [], status: 'False', reason: 'Cancelled', message: 'Tasks Completed: 2 (Failed: 0, Cancelled 1), Skipped: 2' }],
    [
      'a cancelled by the timeout counts as failed',
      [cancelled('a', CANCELLED_BY_TIMEOUT), ok('f')],
      { start: [], status: 'False', reason: 'Failed', message: 'Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 2' },
    ],
    [
      'a failed, finally running: still Running until finally is done',
      [failed('a'), running('f')],
      { start: [], status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Incomplete: 1, Skipped: 2' },
    ],
    ['spec.status Cancelled', [running('a')], { start: [], status: 'False', reason: 'Cancelled', message: 'PipelineRun "run" was cancelled' }, { specStatus: 'Cancelled' }],
    [
      'spec.status CancelledRunFinally while a runs: the rest are skipped',
      [running('a')],
      {
        start: [],
        status: 'Unknown',
        reason: 'CancelledRunningFinally',
        message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 2',
        skipped: [
          ['b', 'PipelineRun was gracefully cancelled'],
          ['c', 'PipelineRun was gracefully cancelled'],
        ],
      },
      { specStatus: 'CancelledRunFinally' },
    ],
    [
      'CancelledRunFinally, a cancelled: finally starts',
      [cancelled('a')],
      { start: ['f'], status: 'Unknown', reason: 'CancelledRunningFinally', message: 'Tasks Completed: 1 (Failed: 0, Cancelled 1), Incomplete: 1, Skipped: 2' },
      { specStatus: 'CancelledRunFinally' },
    ],
    [
      'CancelledRunFinally, all done',
      [cancelled('a'), ok('f')],
      { start: [], status: 'False', reason: 'Cancelled', message: 'PipelineRun "run" was cancelled' },
      { specStatus: 'CancelledRunFinally' },
    ],
    [
      'spec.status StoppedRunFinally: a keeps running, nothing new starts',
      [running('a')],
      {
        start: [],
        status: 'Unknown',
        reason: 'StoppedRunningFinally',
        message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 2',
        skipped: [
          ['b', 'PipelineRun was gracefully stopped'],
          ['c', 'PipelineRun was gracefully stopped'],
        ],
      },
      { specStatus: 'StoppedRunFinally' },
    ],
    [
      'StoppedRunFinally, a done: finally starts',
      [ok('a')],
      { start: ['f'], status: 'Unknown', reason: 'StoppedRunningFinally', message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 1, Skipped: 2' },
      { specStatus: 'StoppedRunFinally' },
    ],
    ['StoppedRunFinally, all done', [ok('a'), ok('f')], { start: [], status: 'False', reason: 'Cancelled', message: 'PipelineRun "run" was cancelled' }, { specStatus: 'StoppedRunFinally' }],
    [
      'past the pipeline timeout',
      [running('a')],
      { start: [], status: 'False', reason: 'PipelineRunTimeout', message: 'PipelineRun "run" failed to finish within "1h0m0s"' },
      { elapsedMs: 3_600_000 },
    ],
    [
      'past timeouts.tasks',
      [running('a')],
      { start: [], status: 'False', reason: 'PipelineRunTimeout', message: 'PipelineRun "run" failed due to tasks failed to finish within "30m0s"' },
      { elapsedMs: 1_800_000 },
    ],
    [
      'past timeouts.finally: the running finally task counts as failed once cancelled',
      [ok('a', [{ name: 'commit', type: 'string', value: 'abc' }]), ok('b'), cancelled('f', CANCELLED_BY_TIMEOUT)],
      { start: [], status: 'False', reason: 'Failed', message: 'Tasks Completed: 3 (Failed: 1, Cancelled 0), Skipped: 1' },
      { finallyElapsedMs: 60_000 },
    ],
    [
      'past timeouts.finally before a finally task started: skipped, Failed',
      [failed('a')],
      {
        start: [],
        status: 'False',
        reason: 'Failed',
        message: 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 3',
        skipped: [
          ['b', 'PipelineRun was stopping'],
          ['c', 'PipelineRun was stopping'],
          ['f', 'PipelineRun Finally timeout has been reached'],
        ],
      },
      { finallyElapsedMs: 60_000 },
    ],
    ['pending', [], { start: [], status: 'Unknown', reason: 'PipelineRunPending', message: 'PipelineRun "run" is pending' }, { specStatus: 'PipelineRunPending' }],
  ])('%s', (_, children, want, o) => {
    const p = plan(children, o);
    expect(p.start.map((s) => s.task.name)).toEqual(want.start);
    expect(p.condition).toEqual({ type: 'Succeeded', status: want.status, reason: want.reason, message: want.message });
    if (want.skipped) expect(p.skippedTasks.map((s) => [s.name, s.reason])).toEqual(want.skipped);
  });

  test('cancel lists: Cancelled cancels every running TaskRun, CancelledRunFinally only the DAG ones, a timeout with its message', () => {
    expect(plan([running('a')], { specStatus: 'Cancelled' }).cancel).toEqual([{ name: 'run-a', message: CANCELLED_BY_PIPELINE }]);
    expect(plan([running('a')], { specStatus: 'CancelledRunFinally' }).cancel).toEqual([{ name: 'run-a', message: CANCELLED_BY_PIPELINE }]);
    expect(plan([running('a')], { specStatus: 'StoppedRunFinally' }).cancel).toEqual([]);
    expect(plan([failed('a'), running('f')], { specStatus: 'CancelledRunFinally' }).cancel).toEqual([]);
    expect(plan([running('a')], { elapsedMs: 4_000_000 }).cancel).toEqual([{ name: 'run-a', message: CANCELLED_BY_TIMEOUT }]);
    expect(plan([ok('a'), ok('b'), running('f')], { finallyElapsedMs: 60_000 }).cancel).toEqual([{ name: 'run-f', message: CANCELLED_BY_TIMEOUT }]);
  });

  test('vars for a started task: params, context, results; finally sees $(tasks.status) and $(tasks.<t>.status)', () => {
    const p = plan([ok('a', [{ name: 'commit', type: 'string', value: 'abc' }])]);
    const b = p.start.find((s) => s.task.name === 'b')!;
    expect(b.vars.get('tasks.a.results.commit')).toBe('abc');
    expect(b.vars.get('context.pipelineRun.name')).toBe('run');
    expect(b.vars.get('params.publish')).toBe('false');
    const f = plan([ok('a', [{ name: 'commit', type: 'string', value: 'abc' }]), ok('b')]).start[0];
    expect([f.vars.get('tasks.status'), f.vars.get('tasks.a.status'), f.vars.get('tasks.c.status')]).toEqual(['Completed', 'Succeeded', 'None']);
    expect(plan([failed('a')]).start[0].vars.get('tasks.status')).toBe('Failed');
  });

  test('pipeline results once done, only those whose references resolved', () => {
    expect(plan([ok('a', [{ name: 'commit', type: 'string', value: 'abc' }]), ok('b'), ok('f')]).results).toEqual([{ name: 'commit', value: 'abc' }]);
    expect(plan([failed('a'), ok('f')]).results).toEqual([]);
  });

  test('a task after a when-skipped parent still runs; after a parent skipped otherwise it is skipped', () => {
    const spec: PipelineSpec = {
      tasks: [
        t('a', { when: [{ input: 'x', operator: 'in', values: ['y'] }] }),
        t('b', { runAfter: ['a'] }),
        t('c', { params: [{ name: 'r', value: '$(tasks.a.results.r)' }] }),
        t('d', { runAfter: ['c'] }),
      ],
    };
    const p = plan([], { spec });
    expect(p.start.map((s) => s.task.name)).toEqual(['b']);
    expect(p.skippedTasks.map((s) => [s.name, s.reason])).toEqual([
      ['a', 'When Expressions evaluated to false'],
      ['c', 'Results were missing'],
      ['d', 'Parent Tasks were skipped'],
    ]);
  });
});

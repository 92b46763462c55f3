// TaskRun status from step states, table-driven like Tekton's pkg/pod/status_test.go.
import { describe, expect, test } from 'vitest';
import * as s from '../../fixtures/lab/cluster/controllers/tekton/taskrun-status.ts';

const at = '2026-01-01T00:00:00Z';
const step = (name: string, o: Partial<s.StepState> = {}): s.StepState => ({ name, container: `step-${name}`, image: 'lab.test/sh:1', phase: 'waiting', ...o });

describe('step termination', () => {
  test.each<[string, number, boolean, Partial<s.StepState>]>([
    ['exit 0', 0, false, { exitCode: 0, reason: 'Completed', terminationReason: 'Completed' }],
    ['exit 3', 3, false, { exitCode: 3, reason: 'Error', terminationReason: 'Error' }],
    ['exit 3 with onError continue', 3, true, { exitCode: 3, reason: 'Error', terminationReason: 'Continued' }],
  ])('%s', (_, code, cont, want) => expect(s.terminate(step('a', { phase: 'running', startedAt: at }), code, cont, at)).toMatchObject({ phase: 'terminated', ...want }));

  test('status entry of a terminated step', () => {
    expect(s.stepStatus(s.terminate(step('a', { phase: 'running', startedAt: at }), 2, false, at))).toEqual({
      name: 'a',
      container: 'step-a',
      imageID: 'lab.test/sh:1',
      terminated: { exitCode: 2, reason: 'Error', startedAt: at, finishedAt: at },
      terminationReason: 'Error',
    });
    expect(s.stepStatus(step('b'))).toEqual({ name: 'b', container: 'step-b', imageID: 'lab.test/sh:1', waiting: { reason: 'PodInitializing' } });
  });

  test('cancel and timeout end running and waiting steps with exit code 1 and the TaskRun reason', () => {
    const steps = [s.terminate(step('a'), 0, false, at), step('b', { phase: 'running', startedAt: at }), step('c')];
    expect(s.interrupt(steps, 'TaskRunTimeout', at).map((x) => [x.exitCode, x.terminationReason])).toEqual([
      [0, 'Completed'],
      [1, 'TaskRunTimeout'],
      [1, 'TaskRunTimeout'],
    ]);
  });
});

describe('conditions', () => {
  test.each<[string, s.StepState[], object]>([
    ['all completed', [s.terminate(step('a'), 0, false, at)], { status: 'True', reason: 'Succeeded', message: 'All Steps have completed executing' }],
    ['continued counts as success', [s.terminate(step('a'), 4, true, at), s.terminate(step('b'), 0, false, at)], { status: 'True', reason: 'Succeeded' }],
    [
      'first failure named',
      [s.terminate(step('a'), 0, false, at), s.terminate(step('b'), 7, false, at), s.skip(step('c'), at)],
      { status: 'False', reason: 'Failed', message: '"step-b" exited with code 7: Error' },
    ],
  ])('%s', (_, steps, want) => expect(s.completedCondition(steps)).toMatchObject(want));

  test.each([
    [
      s.cancelledCondition('tr', 'TaskRun cancelled as the PipelineRun it belongs to has been cancelled.'),
      'TaskRunCancelled',
      'TaskRun "tr" was cancelled. TaskRun cancelled as the PipelineRun it belongs to has been cancelled.',
    ],
    [s.timeoutCondition('tr', '1h0m0s'), 'TaskRunTimeout', 'TaskRun "tr" failed to finish within "1h0m0s"'],
    [
      s.imagePullCondition('tr', 'step-build', 'lab.test/x:1'),
      'TaskRunImagePullFailed',
      'the step "build" in TaskRun "tr" failed to pull the image "lab.test/x:1". The pod errored with the message: "Back-off pulling image "lab.test/x:1"."',
    ],
    [
      s.configErrorCondition('tr', 'step-build', 'secret "x" not found'),
      'CreateContainerConfigError',
      'the step "build" in TaskRun "tr" failed to start. The pod errored with the message: "secret "x" not found."',
    ],
  ])('%#: %s', (cond, reason, message) => expect(cond).toEqual({ type: 'Succeeded', status: 'False', reason, message }));
});

describe('readResults', () => {
  const specs = [{ name: 'digest' }, { name: 'tags', type: 'array' as const }, { name: 'meta', type: 'object' as const }];
  test.each<[string, Record<string, string>, unknown]>([
    [
      'string, array and object',
      { digest: 'sha256:1', tags: '["a","b"]', meta: '{"k":"v"}' },
      {
        results: [
          { name: 'digest', type: 'string', value: 'sha256:1' },
          { name: 'tags', type: 'array', value: ['a', 'b'] },
          { name: 'meta', type: 'object', value: { k: 'v' } },
        ],
      },
    ],
    ['undeclared files and absent results are left out', { other: 'x', digest: 'd\n' }, { results: [{ name: 'digest', type: 'string', value: 'd\n' }] }],
    ['just within 4096 bytes', { digest: 'x'.repeat(4096 - '[{"key":"digest","value":"","type":1}]'.length) }, { results: [{ name: 'digest', type: 'string', value: 'x'.repeat(4058) }] }],
    [
      'over 4096 bytes in total',
      { digest: 'x'.repeat(4000), tags: JSON.stringify(['y'.repeat(20)]) },
      { refusal: { reason: 'TaskRunResultLargerThanAllowedLimit', message: '[User error] TaskRun ""tr"" failed: Termination message is above max allowed size 4096, caused by large task result.' } },
    ],
  ])('%s', (_, files, want) => expect(s.readResults('tr', specs, new Map(Object.entries(files)))).toEqual(want));
});

// How runs fail, with Tekton's reasons and messages: a failing step (later steps never run,
// exit code in status.steps), missing params, a missing Task or Pipeline, an image no runner
// serves, results over the 4096-byte termination message, and fields the lab does not implement.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError } from '../cluster/support.ts';
import { create, finished, get, haveCrds, script, SH, startTektonLab, succeeded, task, type Lab } from './support.ts';

let c: Lab;
const ns = 'tekton-fail';
const marker = join(tmpdir(), `tekton-never-${process.pid}-${Date.now()}`);

const run = async (name: string, pipeline: string | Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  await create(c, 'pipelineruns', { metadata: { name }, spec: { ...(typeof pipeline === 'string' ? { pipelineRef: { name: pipeline } } : { pipelineSpec: pipeline }), ...extra } });
  return finished(c, 'pipelineruns', name);
};

beforeAll(async () => {
  c = await startTektonLab(ns);
  await create(c, 'tasks', task('three-steps', { steps: [script('ok', 'echo fine'), script('fail', 'echo failing; exit 3'), script('never', `touch ${marker}`)] }));
  await create(
    c,
    'tasks',
    task('echo', {
      params: [{ name: 'word' }, { name: 'greeting', default: 'hello' }],
      results: [{ name: 'said' }],
      steps: [script('say', 'printf "%s %s" "$(params.greeting)" "$(params.word)" > $(results.said.path)')],
    }),
  );
});
afterAll(() => c?.double.stop());

describe.skipIf(!haveCrds())('failing runs', () => {
  test('a failing step fails the TaskRun and the PipelineRun; later steps and dependent tasks never run', async () => {
    const pr = await run('fails', {
      tasks: [
        { name: 'build', taskRef: { name: 'three-steps' } },
        { name: 'after', runAfter: ['build'], taskRef: { name: 'three-steps' } },
      ],
    });
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'Failed', message: 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 1' });
    expect(pr.status!.skippedTasks).toEqual([{ name: 'after', reason: 'PipelineRun was stopping' }]);
    const tr = await get(c, 'taskruns', 'fails-build');
    expect(succeeded(tr)).toMatchObject({ status: 'False', reason: 'Failed', message: '"step-fail" exited with code 3: Error' });
    expect(tr.status!.steps.map((s: { container: string; terminated: { exitCode: number }; terminationReason: string }) => [s.container, s.terminated.exitCode, s.terminationReason])).toEqual([
      ['step-ok', 0, 'Completed'],
      ['step-fail', 3, 'Error'],
      ['step-never', 1, 'Skipped'],
    ]);
    expect(existsSync(marker)).toBe(false);
    expect(await c.core.readNamespacedPodLog({ namespace: ns, name: 'fails-build-pod', container: 'step-fail' })).toBe('failing\n');
  });

  test('onError: continue records the real exit code as Continued and goes on', async () => {
    const pr = await run('continues', { tasks: [{ name: 'lint', taskSpec: { steps: [script('lint', 'exit 5', { onError: 'continue' }), script('next', 'echo next ran')] } }] });
    expect(succeeded(pr)).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0' });
    const tr = await get(c, 'taskruns', 'continues-lint');
    expect(tr.status!.steps.map((s: { terminated: { exitCode: number }; terminationReason: string }) => [s.terminated.exitCode, s.terminationReason])).toEqual([
      [5, 'Continued'],
      [0, 'Completed'],
    ]);
    expect(await c.core.readNamespacedPodLog({ namespace: ns, name: 'continues-lint-pod', container: 'step-next' })).toBe('next ran\n');
  });

  test("a later step reads an earlier one's exit code at $(steps.step-<name>.exitCode.path) and can fail the TaskRun with it", async () => {
    const pr = await run('exit-code-path', {
      tasks: [
        {
          name: 'gate',
          taskSpec: {
            steps: [
              script('check', 'exit 20', { onError: 'continue' }),
              script('record', 'echo "check exited $(cat $(steps.step-check.exitCode.path))"; exit "$(cat $(steps.step-check.exitCode.path))"'),
            ],
          },
        },
      ],
    });
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'Failed' });
    const tr = await get(c, 'taskruns', 'exit-code-path-gate');
    expect(tr.status!.steps.map((s: { terminated: { exitCode: number }; terminationReason: string }) => [s.terminated.exitCode, s.terminationReason])).toEqual([
      [20, 'Continued'],
      [20, 'Error'],
    ]);
    expect(await c.core.readNamespacedPodLog({ namespace: ns, name: 'exit-code-path-gate-pod', container: 'step-record' })).toBe('check exited 20\n');
  });

  test('params: defaults apply, a missing one is ParameterMissing', async () => {
    const spec = {
      params: [{ name: 'word' }],
      tasks: [{ name: 'say', taskRef: { name: 'echo' }, params: [{ name: 'word', value: '$(params.word)' }] }],
      results: [{ name: 'said', value: '$(tasks.say.results.said)' }],
    };
    const ok = await run('params-ok', spec, { params: [{ name: 'word', value: 'lab' }] });
    expect(ok.status!.results).toEqual([{ name: 'said', value: 'hello lab' }]);
    const missing = await run('params-missing', spec);
    expect(succeeded(missing)).toMatchObject({
      status: 'False',
      reason: 'ParameterMissing',
      message: `PipelineRun ${ns}/params-missing is missing some parameters required by Pipeline ${ns}/params-missing: [User error] pipelineRun missing parameters: [word]`,
    });
    expect(missing.status!.childReferences).toBeUndefined();
  });

  test('a missing Task is CouldntGetTask, a missing Pipeline CouldntGetPipeline', async () => {
    await create(c, 'pipelines', { metadata: { name: 'ghost-task' }, spec: { tasks: [{ name: 'a', taskRef: { name: 'nope' } }] } });
    expect(succeeded(await run('no-task', 'ghost-task'))).toMatchObject({
      status: 'False',
      reason: 'CouldntGetTask',
      message: `Pipeline ${ns}/ghost-task can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task "nope": tasks.tekton.dev "nope" not found`,
    });
    expect(succeeded(await run('no-pipeline', 'nope'))).toMatchObject({
      status: 'False',
      reason: 'CouldntGetPipeline',
      message: `Error retrieving pipeline for pipelinerun ${ns}/no-pipeline: pipelines.tekton.dev "nope" not found`,
    });
  });

  test('an image no step runner serves fails as an unpullable image, naming it', async () => {
    const pr = await run('no-image', { tasks: [{ name: 'pull', taskSpec: { steps: [{ name: 'x', image: 'lab.test/missing:1', script: 'true' }] } }] });
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'Failed' });
    const tr = await get(c, 'taskruns', 'no-image-pull');
    expect(succeeded(tr)).toMatchObject({
      status: 'False',
      reason: 'TaskRunImagePullFailed',
      message: 'the step "x" in TaskRun "no-image-pull" failed to pull the image "lab.test/missing:1". The pod errored with the message: "Back-off pulling image "lab.test/missing:1"."',
    });
    expect((await apiError(c.core.readNamespacedPod({ namespace: ns, name: 'no-image-pull-pod' }))).code).toBe(404);
  });

  test("a runner refusing the pull fails the same way; the reason is in the pod's events", async () => {
    c.runners.unshift({ image: /^lab\.test\/private:/, pull: async () => 'the lab registry has no such tag', run: async () => ({ exitCode: 0 }) });
    const pr = await run('refused-pull', { tasks: [{ name: 'pull', taskSpec: { steps: [{ name: 'x', image: 'lab.test/private:2', script: 'true' }] } }] });
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'Failed' });
    expect(succeeded(await get(c, 'taskruns', 'refused-pull-pull'))).toMatchObject({
      reason: 'TaskRunImagePullFailed',
      message: expect.stringContaining('failed to pull the image "lab.test/private:2"'),
    });
    const events = (await c.core.listNamespacedEvent({ namespace: ns })).items.filter((e) => e.involvedObject.name === 'refused-pull-pull-pod').map((e) => e.message);
    expect(events).toContain('Failed to pull image "lab.test/private:2": the lab registry has no such tag');
  });

  test.each([
    [
      'an unbound required workspace',
      { workspaces: [{ name: 'src' }], tasks: [{ name: 'a', taskSpec: { steps: [script('s', 'true')] } }] },
      'InvalidWorkspaceBindings',
      `PipelineRun ${ns}/ws-missing doesn't bind Pipeline ${ns}/ws-missing's Workspaces correctly: [User error] pipeline requires workspace with name "src" be provided by pipelinerun`,
      'ws-missing',
    ],
    [
      'a result no task declares',
      {
        tasks: [
          { name: 'a', taskSpec: { steps: [script('s', 'true')] } },
          { name: 'b', params: [{ name: 'p', value: '$(tasks.a.results.nope)' }], taskSpec: { params: [{ name: 'p' }], steps: [script('s', 'true')] } },
        ],
      },
      'InvalidTaskResultReference',
      '[User error] invalid result reference in pipeline task "b": "nope" is not a named result returned by pipeline task "a"',
      'bad-ref',
    ],
    [
      'a cycle',
      {
        tasks: [
          { name: 'a', runAfter: ['b'], taskSpec: { steps: [script('s', 'true')] } },
          { name: 'b', runAfter: ['a'], taskSpec: { steps: [script('s', 'true')] } },
        ],
      },
      'PipelineInvalidGraph',
      `PipelineRun ${ns}/cycle's Pipeline DAG is invalid: [User error] cycle detected; a -> b -> a`,
      'cycle',
    ],
  ])('%s fails the run before anything starts', async (_, spec, reason, message, name) => {
    const pr = await run(name, spec);
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason, message });
    expect(pr.status!.childReferences).toBeUndefined();
  });

  test('results over 4096 bytes fail with TaskRunResultLargerThanAllowedLimit', async () => {
    const pr = await run('big', {
      tasks: [
        {
          name: 'big',
          taskSpec: {
            results: [{ name: 'a' }, { name: 'b' }],
            steps: [script('w', 'head -c 2100 /dev/zero | tr "\\\\0" x > $(results.a.path); head -c 2100 /dev/zero | tr "\\\\0" y > $(results.b.path)')],
          },
        },
      ],
    });
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'Failed' });
    expect(succeeded(await get(c, 'taskruns', 'big-big'))).toMatchObject({
      status: 'False',
      reason: 'TaskRunResultLargerThanAllowedLimit',
      message: '[User error] TaskRun ""big-big"" failed: Termination message is above max allowed size 4096, caused by large task result.',
    });
  });

  test.each([
    ['sidecars', { tasks: [{ name: 'a', taskSpec: { sidecars: [{ name: 'db', image: SH }], steps: [script('s', 'true')] } }] }, 'spec.pipelineSpec.tasks[0].taskSpec.sidecars'],
    ['retries', { tasks: [{ name: 'a', retries: 2, taskSpec: { steps: [script('s', 'true')] } }] }, 'spec.pipelineSpec.tasks[0].retries'],
    [
      'matrix',
      { tasks: [{ name: 'a', matrix: { params: [{ name: 'x', value: ['1', '2'] }] }, taskSpec: { params: [{ name: 'x' }], steps: [script('s', 'true')] } }] },
      'spec.pipelineSpec.tasks[0].matrix',
    ],
    ['a StepAction ref', { tasks: [{ name: 'a', taskSpec: { steps: [{ name: 's', ref: { name: 'git-clone' } }] } }] }, 'spec.pipelineSpec.tasks[0].taskSpec.steps[0].ref'],
  ])('an unsupported field (%s) fails the run naming it', async (what, spec, field) => {
    const name = `unsupported-${what.replace(/\W+/g, '-').toLowerCase()}`;
    const pr = await run(name, spec);
    expect(succeeded(pr)).toMatchObject({
      status: 'False',
      reason: 'PipelineValidationFailed',
      message: `PipelineRun ${ns}/${name} can't be Run; the lab's Tekton controller does not implement ${field} (see docs/cluster-double.md, "Tekton controller")`,
    });
  });
});

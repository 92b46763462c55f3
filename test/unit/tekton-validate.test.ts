// Run-time validation and the refused fields, table-driven like Tekton's validate_params_test.go
// and pipelinerun_test.go's invalid cases.
import { describe, expect, test } from 'vitest';
import { PIPELINERUN_SPEC, TASKRUN_SPEC, unsupportedField } from '../../fixtures/lab/cluster/controllers/tekton/unsupported.ts';
import { paramValues, validatePipelineRunParams, validatePipelineWorkspaces, validateResultReferences, validateTaskRunInputs } from '../../fixtures/lab/cluster/controllers/tekton/validate.ts';
import type { PipelineSpec, TaskSpec } from '../../fixtures/lab/cluster/controllers/tekton/types.ts';

const spec: PipelineSpec = {
  params: [{ name: 'repo' }, { name: 'rev', default: 'main' }, { name: 'flags', type: 'array', default: [] }, { name: 'o', type: 'object', properties: { a: {}, b: {} }, default: { a: '1', b: '2' } }],
  workspaces: [{ name: 'src' }, { name: 'creds', optional: true }],
  tasks: [
    { name: 'a', taskRef: { name: 'a' } },
    { name: 'b', taskRef: { name: 'b' }, params: [{ name: 'd', value: '$(tasks.a.results.digest)' }] },
  ],
};

describe('params', () => {
  test('values: given over defaults, object keys merged', () => {
    expect(
      Object.fromEntries(
        paramValues(spec.params, [
          { name: 'repo', value: 'r' },
          { name: 'o', value: { b: 'x' } },
        ]),
      ),
    ).toEqual({ repo: 'r', rev: 'main', flags: [], o: { a: '1', b: 'x' } });
  });
  test.each<[string, { name: string; value: string | string[] }[], object | undefined]>([
    ['all given', [{ name: 'repo', value: 'r' }], undefined],
    ['missing', [], { reason: 'ParameterMissing', message: 'PipelineRun ns/pr is missing some parameters required by Pipeline ns/p: [User error] pipelineRun missing parameters: [repo]' }],
    [
      'type mismatch',
      [
        { name: 'repo', value: 'r' },
        { name: 'flags', value: 'not-an-array' },
      ],
      { reason: 'ParameterTypeMismatch', message: "PipelineRun ns/pr parameters have mismatching types with Pipeline ns/p's parameters: [User error] parameters have inconsistent types : [flags]" },
    ],
    ['array for a string', [{ name: 'repo', value: ['r'] }], { reason: 'ParameterTypeMismatch' }],
  ])('%s', (_, given, want) => {
    const got = validatePipelineRunParams('ns', 'pr', 'p', spec, given);
    if (want) expect(got).toMatchObject(want);
    else expect(got).toBeUndefined();
  });
});

describe('workspaces', () => {
  test.each<[string, { name: string; emptyDir?: Record<string, unknown> }[], string | undefined]>([
    ['required bound, optional not', [{ name: 'src', emptyDir: {} }], undefined],
    [
      'required missing',
      [{ name: 'creds', emptyDir: {} }],
      'PipelineRun ns/pr doesn\'t bind Pipeline ns/p\'s Workspaces correctly: [User error] pipeline requires workspace with name "src" be provided by pipelinerun',
    ],
    [
      'unknown binding',
      [
        { name: 'src', emptyDir: {} },
        { name: 'extra', emptyDir: {} },
      ],
      'PipelineRun ns/pr doesn\'t bind Pipeline ns/p\'s Workspaces correctly: [User error] workspace binding "extra" does not match any declared workspace',
    ],
  ])('%s', (_, bindings, message) => {
    const got = validatePipelineWorkspaces('ns', 'pr', 'p', spec, bindings);
    expect(got).toEqual(message ? { reason: 'InvalidWorkspaceBindings', message } : undefined);
  });

  test.each<[string, TaskSpec, object[], string | undefined]>([
    ['bound', { workspaces: [{ name: 'w' }] }, [{ name: 'w', emptyDir: {} }], undefined],
    ['optional unbound', { workspaces: [{ name: 'w', optional: true }] }, [], undefined],
    ['required unbound', { workspaces: [{ name: 'w' }] }, [], '[User error] declared workspace "w" is required but has not been bound'],
    ['missing param', { params: [{ name: 'p' }] }, [], '[User error] invalid input params for task t: missing parameters: [p]'],
  ])('TaskRun: %s', (_, task, bindings, message) => {
    const got = validateTaskRunInputs('t', task, [], bindings as never);
    expect(got).toEqual(message ? { reason: 'TaskRunValidationFailed', message } : undefined);
  });
});

describe('result references', () => {
  const specs = new Map<string, TaskSpec>([
    ['a', { results: [{ name: 'digest' }] }],
    ['b', {}],
  ]);
  test.each<[string, PipelineSpec, string | undefined]>([
    ['declared result', spec, undefined],
    [
      'undeclared result',
      { tasks: [spec.tasks![0], { name: 'b', params: [{ name: 'd', value: '$(tasks.a.results.nope)' }] }] },
      '[User error] invalid result reference in pipeline task "b": "nope" is not a named result returned by pipeline task "a"',
    ],
    [
      'unknown task',
      { tasks: [{ name: 'b', when: [{ input: '$(tasks.zz.results.x)', operator: 'in', values: ['1'] }] }] },
      '[User error] invalid result reference in pipeline task "b": referenced pipeline task "zz" does not exist',
    ],
    [
      'pipeline result',
      { tasks: spec.tasks, results: [{ name: 'r', value: '$(tasks.b.results.digest)' }] },
      'invalid pipeline result "r": "digest" is not a named result returned by pipeline task "b"',
    ],
  ])('%s', (_, p, message) => {
    const got = validateResultReferences(p.tasks ?? [], specs, p.results);
    expect(got).toEqual(message ? { reason: 'InvalidTaskResultReference', message } : undefined);
  });
});

describe('refused fields', () => {
  test.each<[string, object, string | undefined]>([
    [
      'what k3s/ci uses',
      { pipelineRef: { name: 'p' }, taskRunTemplate: { serviceAccountName: 'sa' }, params: [{ name: 'a', value: 'b' }], workspaces: [{ name: 'w', volumeClaimTemplate: { spec: {} } }] },
      undefined,
    ],
    ['podTemplate content', { pipelineRef: { name: 'p' }, taskRunTemplate: { podTemplate: { nodeSelector: { a: 'b' } } } }, 'spec.taskRunTemplate.podTemplate.nodeSelector'],
    ['remote resolution', { pipelineRef: { resolver: 'git' } }, 'spec.pipelineRef.resolver'],
    ['sidecars in an embedded task', { pipelineSpec: { tasks: [{ name: 'a', taskSpec: { sidecars: [{ name: 's' }] } }] } }, 'spec.pipelineSpec.tasks[0].taskSpec.sidecars'],
    ['CEL when', { pipelineSpec: { tasks: [{ name: 'a', when: [{ cel: "'a' == 'a'" }] }] } }, 'spec.pipelineSpec.tasks[0].when[0].cel'],
    [
      'no-effect fields pass',
      { pipelineSpec: { description: 'd', tasks: [{ name: 'a', displayName: 'A', taskSpec: { steps: [{ name: 's', computeResources: { limits: {} }, securityContext: { runAsUser: 0 } }] } }] } },
      undefined,
    ],
    ['empty lists pass', { pipelineRef: { name: 'p' }, taskRunSpecs: [] }, undefined],
  ])('PipelineRun: %s', (_, runSpec, field) => expect(unsupportedField(runSpec, PIPELINERUN_SPEC, 'spec')).toBe(field));

  test.each<[string, object, string | undefined]>([
    ['taskRef and params', { taskRef: { name: 't' }, params: [], serviceAccountName: 'sa', timeout: '1m' }, undefined],
    ['step timeout', { taskSpec: { steps: [{ name: 's', timeout: '1m' }] } }, 'spec.taskSpec.steps[0].timeout'],
    ['retries', { taskRef: { name: 't' }, retries: 1 }, 'spec.retries'],
    ['stepSpecs', { taskRef: { name: 't' }, stepSpecs: [{ name: 's' }] }, 'spec.stepSpecs'],
    ['emptyDir volumes and mounts', { taskSpec: { volumes: [{ name: 'v', emptyDir: {} }], steps: [{ name: 's', volumeMounts: [{ name: 'v', mountPath: '/v' }] }] } }, undefined],
    ['a hostPath volume', { taskSpec: { volumes: [{ name: 'v', hostPath: { path: '/' } }] } }, 'spec.taskSpec.volumes[0].hostPath'],
    [
      'mountPropagation',
      { taskSpec: { steps: [{ name: 's', volumeMounts: [{ name: 'v', mountPath: '/v', mountPropagation: 'Bidirectional' }] }] } },
      'spec.taskSpec.steps[0].volumeMounts[0].mountPropagation',
    ],
  ])('TaskRun: %s', (_, runSpec, field) => expect(unsupportedField(runSpec, TASKRUN_SPEC, 'spec')).toBe(field));
});

// The lab Tekton controller's variable grammar, table-driven like Tekton's apply_test.go.
import { describe, expect, test } from 'vitest';
import { references, resultReferences, substituteArray, substituteString, substituteValue } from '../../fixtures/lab/cluster/controllers/tekton/substitute.ts';
import type { ParamValue } from '../../fixtures/lab/cluster/controllers/tekton/types.ts';

const vars = new Map<string, ParamValue>([
  ['params.x', 'one'],
  ['params.dotted.name', 'dot'],
  ['params.list', ['a', 'b c']],
  ['params.repo', { url: 'http://git', rev: 'main' }],
  ['tasks.build.results.digest', 'sha256:abc'],
  ['tasks.build.results.meta', { tag: 'v1' }],
  ['workspaces.src.path', '/lab/ws/src'],
  ['results.out.path', '/lab/results/out'],
  ['context.pipelineRun.name', 'run-1'],
  ['tasks.status', 'Succeeded'],
]);

describe('substituteString', () => {
  test.each([
    ['$(params.x)', 'one'],
    ['pre-$(params.x)-post', 'pre-one-post'],
    ['$( params.x )', 'one'],
    ["$(params['x'])", 'one'],
    ['$(params["dotted.name"])', 'dot'],
    ['$(params.repo.url)@$(params.repo.rev)', 'http://git@main'],
    ['$(params.list[1])', 'b c'],
    ['$(tasks.build.results.digest)', 'sha256:abc'],
    ['$(tasks.build.results.meta.tag)', 'v1'],
    ['cd $(workspaces.src.path) && echo > $(results.out.path)', 'cd /lab/ws/src && echo > /lab/results/out'],
    ['$(context.pipelineRun.name) $(tasks.status)', 'run-1 Succeeded'],
    ['$(HOME) and $(params.unknown) stay', '$(HOME) and $(params.unknown) stay'],
    ['$(params.repo)', '{"url":"http://git","rev":"main"}'],
  ])('%s → %s', (input, want) => expect(substituteString(input, vars)).toBe(want));
});

describe('substituteArray / substituteValue', () => {
  test.each<[string[], string[]]>([
    [
      ['--flag', '$(params.list[*])', 'end'],
      ['--flag', 'a', 'b c', 'end'],
    ],
    [['x=$(params.x)'], ['x=one']],
    [['$(params.missing[*])'], ['$(params.missing[*])']],
  ])('%j → %j', (input, want) => expect(substituteArray(input, vars)).toEqual(want));

  test.each<[ParamValue, ParamValue]>([
    ['$(params.list[*])', ['a', 'b c']],
    ['$(params.repo[*])', { url: 'http://git', rev: 'main' }],
    ['$(params.repo)', { url: 'http://git', rev: 'main' }],
    ['$(params.x)', 'one'],
    [{ k: '$(params.x)' }, { k: 'one' }],
  ])('%j → %j', (input, want) => expect(substituteValue(input, vars)).toEqual(want));
});

describe('references', () => {
  test.each<[unknown, { task: string; result: string }[]]>([
    ['$(tasks.a.results.r)', [{ task: 'a', result: 'r' }]],
    [
      { params: [{ value: 'x-$(tasks.b.results.digest)' }], when: [{ input: '$(tasks.c.results.ok)' }] },
      [
        { task: 'b', result: 'digest' },
        { task: 'c', result: 'ok' },
      ],
    ],
    ['$(tasks.a.results.obj.key) $(tasks.status) $(params.x)', [{ task: 'a', result: 'obj' }]],
  ])('%j', (input, want) => expect(resultReferences(input)).toEqual(want));

  test('canonical form', () => expect(references("$(params['a'][*]) $( context.task.name )")).toEqual(['params.a[*]', 'context.task.name']));
});

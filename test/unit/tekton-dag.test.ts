// The pipeline task graph, table-driven like Tekton's dag_test.go.
import { describe, expect, test } from 'vitest';
import { buildDag } from '../../fixtures/lab/cluster/controllers/tekton/dag.ts';
import type { PipelineTask } from '../../fixtures/lab/cluster/controllers/tekton/types.ts';

const t = (name: string, o: Partial<PipelineTask> = {}): PipelineTask => ({ name, taskRef: { name: 'x' }, ...o });

describe('buildDag', () => {
  test.each<[string, PipelineTask[], Record<string, string[]> | string]>([
    ['independent tasks', [t('a'), t('b')], { a: [], b: [] }],
    ['runAfter', [t('a'), t('b', { runAfter: ['a'] })], { a: [], b: ['a'] }],
    ['result reference in params', [t('a'), t('b', { params: [{ name: 'p', value: '$(tasks.a.results.r)' }] })], { a: [], b: ['a'] }],
    ['result reference in when', [t('a'), t('b', { when: [{ input: '$(tasks.a.results.ok)', operator: 'in', values: ['true'] }] })], { a: [], b: ['a'] }],
    ['both, once', [t('a'), t('b', { runAfter: ['a'], params: [{ name: 'p', value: '$(tasks.a.results.r)' }] })], { a: [], b: ['a'] }],
    ['unknown runAfter', [t('a', { runAfter: ['zz'] })], 'task "a" depends on "zz" but "zz" wasn\'t present in Pipeline'],
    ['self', [t('a', { runAfter: ['a'] })], 'cycle detected; task "a" depends on itself'],
    ['cycle', [t('a', { runAfter: ['c'] }), t('b', { runAfter: ['a'] }), t('c', { runAfter: ['b'] })], 'cycle detected; a -> c -> b -> a'],
    ['duplicate', [t('a'), t('a')], 'duplicate pipeline task name "a"'],
  ])('%s', (_, tasks, want) => {
    const got = buildDag(tasks);
    if (typeof want === 'string') expect(got).toEqual({ error: want });
    else expect('dag' in got && Object.fromEntries(got.dag)).toEqual(want);
  });
});

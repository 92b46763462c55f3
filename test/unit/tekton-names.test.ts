// kmeta.ChildName as Tekton names TaskRuns and pods; Go durations in and out.
import { describe, expect, test } from 'vitest';
import { formatDuration, parseDuration } from '../../fixtures/lab/cluster/controllers/tekton/duration.ts';
import { childName, podName, taskRunName } from '../../fixtures/lab/cluster/controllers/tekton/names.ts';

describe('childName', () => {
  test.each([
    ['run-1', '-build', 'run-1-build'],
    ['unidesk-ci-commit-abcde', '-repo-check', 'unidesk-ci-commit-abcde-repo-check'],
    // 60 + 6 > 63: parent[:31-6] + md5(parent) + suffix, 63 characters
    ['a'.repeat(60), '-build', `${'a'.repeat(25)}cc7ed669cf88f201c3297c6a91e1d18d-build`],
  ])('(%s, %s)', (parent, suffix, want) => expect(childName(parent, suffix)).toBe(want));
  test('long suffix hashes parent and suffix together and stays valid', () => {
    const got = childName('p'.repeat(40), `-${'s'.repeat(40)}`);
    expect(got.length).toBeLessThanOrEqual(63);
    expect(got).toMatch(/^p{31}[0-9a-f]{32}$/);
  });
  test('TaskRun and pod names', () => {
    expect(taskRunName('ci-run', 'build')).toBe('ci-run-build');
    expect(podName('ci-run-build')).toBe('ci-run-build-pod');
  });
});

describe('durations', () => {
  test.each<[string, number | undefined]>([
    ['0', 0],
    ['2s', 2000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['90m', 5_400_000],
    ['1.5s', 1500],
    ['500ms', 500],
    ['soon', undefined],
    ['', undefined],
  ])('parse %s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  test.each<[number, string]>([
    [0, '0s'],
    [2000, '2s'],
    [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'],
    [90_000, '1m30s'],
    [1500, '1.5s'],
    [500, '500ms'],
  ])('format %d', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

import { describe, expect, test } from 'vitest';
import { matchRevision, parseLsRemote, validateRevision } from '../../harness/git/revision.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const LS = [`${A}\tHEAD`, `${A}\trefs/heads/master`, `${B}\trefs/heads/feature`, `${C}\trefs/tags/v1`, `${B}\trefs/tags/v1^{}`, `${A}\trefs/tags/feature`].join('\n');

describe('parseLsRemote', () => {
  test('annotated tags resolve to the commit they peel to', () => {
    const refs = parseLsRemote(LS);
    expect(refs.find((r) => r.name === 'refs/tags/v1')?.commit).toBe(B);
    expect(refs.find((r) => r.name === 'refs/heads/master')?.commit).toBe(A);
    expect(refs.some((r) => r.name.endsWith('^{}'))).toBe(false);
  });
  test('ignores lines that are not sha<TAB>ref', () => {
    expect(parseLsRemote('warning: redirecting\nnonsense\n')).toEqual([]);
  });
});

describe('matchRevision', () => {
  const refs = parseLsRemote(LS);
  test('branch, tag and refs/ names', () => {
    expect(matchRevision(refs, 'master')).toEqual({ commit: A, ref: 'refs/heads/master' });
    expect(matchRevision(refs, 'v1')).toEqual({ commit: B, ref: 'refs/tags/v1' });
    expect(matchRevision(refs, 'refs/heads/feature')).toEqual({ commit: B, ref: 'refs/heads/feature' });
  });
  test('a full SHA at a ref tip needs no history; other hex does', () => {
    expect(matchRevision(refs, A.toUpperCase())).toEqual({ commit: A });
    expect(matchRevision(refs, 'd'.repeat(40))).toEqual({ needsHistory: true });
    expect(matchRevision(refs, 'abc1234')).toEqual({ needsHistory: true });
  });
  test('unknown names give undefined', () => {
    expect(matchRevision(refs, 'no-such-branch')).toBeUndefined();
  });
  test('a branch and a tag of the same name at different commits is refused as input', () => {
    expect(() => matchRevision(refs, 'feature')).toThrow(expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('ambiguous') }));
  });
});

describe('validateRevision', () => {
  test.each(['--upload-pack=touch /tmp/x', '-x', 'a b', 'a..b', 'master~1', 'HEAD^', 'x:y', 'a\nb', '', 'x.lock', 'x/'])('refuses %j as input', (rev) => {
    expect(() => validateRevision(rev)).toThrow(expect.objectContaining({ failureClass: 'input' }));
  });
  test.each(['master', 'broken/ts-error', 'v0.1.0', 'abc1234', 'refs/heads/master'])('accepts %j', (rev) => {
    expect(() => validateRevision(rev)).not.toThrow();
  });
});

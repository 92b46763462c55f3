import { describe, expect, test } from 'vitest';
import { parseImageRef, unpinnedReason } from '../../harness/kube/images.ts';

describe('image pinning', () => {
  test.each([
    ['127.0.0.1:5000/unidesk/unidesk-ci:0.1.0-0123456789ab', undefined],
    ['oven/bun:1-debian', undefined],
    [`127.0.0.1:5000/unidesk/backend-core@sha256:${'a'.repeat(64)}`, undefined],
    ['127.0.0.1:5000/unidesk/backend-core', /no tag or digest/],
    ['alpine/git:latest', /mutable tag latest/],
    ['alpine/git@sha256:xyz', /malformed digest/],
    ['alpine/git:-bad', /malformed tag/],
  ])('%s', (ref, expected) => {
    const why = unpinnedReason(ref);
    if (expected) expect(why).toMatch(expected);
    else expect(why).toBeUndefined();
  });

  test('a registry port is not a tag', () => {
    expect(parseImageRef('127.0.0.1:5000/x')).toEqual({ name: '127.0.0.1:5000/x', digest: undefined });
  });
});

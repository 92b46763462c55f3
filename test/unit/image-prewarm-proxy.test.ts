// Which prewarm pulls go through the egress proxy: everything but an image whose own registry is
// on loopback (the harness's step image at 127.0.0.1:5000), unless a mirror stands in for it.
import { describe, expect, test } from 'vitest';
import { pullsThroughProxy } from '../../harness/image/prewarm/index.ts';

describe('pullsThroughProxy', () => {
  test.each([
    ['127.0.0.1:5000', undefined, false],
    ['localhost:5000', undefined, false],
    ['[::1]:5000', undefined, false],
    ['127.0.0.1:5000', '127.0.0.1:41234', true],
    ['docker.io', undefined, true],
    ['ghcr.io', undefined, true],
    // a public name that merely starts like a loopback address is not loopback
    ['127.0.0.1.nip.io:5000', undefined, true],
    ['localhost.example.com', undefined, true],
  ] as const)('%s (mirror %s) → %s', (registry, mirror, expected) => {
    expect(pullsThroughProxy(registry, mirror)).toBe(expected);
  });
});

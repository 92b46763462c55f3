// Which prewarm pulls go through the egress proxy: everything but an image whose own registry is
// on loopback (the harness's step image at 127.0.0.1:5000), unless a mirror stands in for it.
import { describe, expect, test } from 'vitest';
import { pullingLine, pullsThroughProxy } from '../../harness/image/prewarm/index.ts';

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

test('the pull progress line never shows the proxy password', () => {
  const line = pullingLine('oven/bun:1-debian', 'registry-1.docker.io', 'proxy', 'http://egress:pr0xy-line-pass@127.0.0.1:18789');
  expect(line).toBe('prewarm: pulling oven/bun:1-debian from registry-1.docker.io through http://egress:***@127.0.0.1:18789');
  expect(pullingLine('x:1', '127.0.0.1:5000', 'direct', 'http://egress:pr0xy-line-pass@127.0.0.1:18789')).toBe('prewarm: pulling x:1 from 127.0.0.1:5000 directly (loopback registry)');
});

// Image references as containerd reads them, including Docker Hub short names.
import { describe, expect, test } from 'vitest';
import { formatImageRef, manifestReference, parseImageRef } from '../../harness/registry/reference.ts';
import { parseChallenge } from '../../harness/registry/token.ts';
import { registryBaseUrl } from '../../harness/registry/client.ts';

describe('image references', () => {
  test.each([
    ['oven/bun:1-debian', { registry: 'docker.io', repository: 'oven/bun', tag: '1-debian' }],
    ['alpine:3', { registry: 'docker.io', repository: 'library/alpine', tag: '3' }],
    ['unidesk-code-queue:dev', { registry: 'docker.io', repository: 'library/unidesk-code-queue', tag: 'dev' }],
    ['ghcr.io/tektoncd/pipeline/cmd/entrypoint:v1.12.0', { registry: 'ghcr.io', repository: 'tektoncd/pipeline/cmd/entrypoint', tag: 'v1.12.0' }],
    ['127.0.0.1:5000/unidesk/backend-core:abc', { registry: '127.0.0.1:5000', repository: 'unidesk/backend-core', tag: 'abc' }],
    [`localhost/x@sha256:${'c'.repeat(64)}`, { registry: 'localhost', repository: 'x', digest: `sha256:${'c'.repeat(64)}` }],
  ])('%s', (ref, expected) => {
    expect(parseImageRef(ref)).toEqual({ tag: undefined, digest: undefined, ...expected });
  });

  test('formatting round-trips a fully qualified reference', () => {
    const ref = `127.0.0.1:5000/a/b:t@sha256:${'d'.repeat(64)}`;
    expect(formatImageRef(parseImageRef(ref))).toBe(ref);
  });

  test.each(['', 'a b', 'UPPER/case:1', `x@sha256:short`, 'x:bad:tag'])('%j is invalid', (ref) => {
    expect(() => parseImageRef(ref)).toThrow(/invalid/);
  });

  test('an image pinned by neither tag nor digest has no manifest reference', () => {
    expect(() => manifestReference(parseImageRef('oven/bun'))).toThrow(/not pinned/);
  });

  test('loopback registries are plain HTTP, Docker Hub is registry-1 over HTTPS', () => {
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('docker.io')).toBe('https://registry-1.docker.io');
    expect(registryBaseUrl('ghcr.io')).toBe('https://ghcr.io');
  });

  test('bearer challenges are parsed; other schemes are not', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"')).toEqual({ realm: 'https://auth.docker.io/token', service: 'registry.docker.io' });
    expect(parseChallenge('Basic realm="x"')).toBeUndefined();
  });
});

// The layer cache repository and the base-image failure class, as pure functions: the cache lives
// only in the loopback registry under <repository>-cache; buildah's "creating build container"
// error is infra.registry naming the FROM image; a failing RUN stays the commit's (app).
import { describe, expect, test } from 'vitest';
import { CiError } from '../../harness/failure.ts';
import { buildCacheArgs, buildCacheRepository } from '../../harness/image/build-cache.ts';
import { baseImageFailure } from '../../harness/image/base-image-failure.ts';
import { BACKEND_CORE_IMAGE, CODE_QUEUE_IMAGE } from '../../harness/image/service-image.ts';

const buildFailure = (tail: string) =>
  new CiError('app', 'buildah build of src/components/backend-core/Dockerfile failed (exit code 125)', { command: 'buildah build ...', exitCode: 125, outputTail: tail });

describe('build cache repository', () => {
  test('is <loopback registry>/<service repository>-cache, read and written by the same flags', () => {
    expect(buildCacheRepository('127.0.0.1:5000', BACKEND_CORE_IMAGE)).toBe('127.0.0.1:5000/unidesk/backend-core-cache');
    expect(buildCacheRepository('localhost:5001', CODE_QUEUE_IMAGE)).toBe('localhost:5001/unidesk/code-queue-cache');
    expect(buildCacheArgs('127.0.0.1:5000/unidesk/backend-core-cache')).toEqual([
      '--cache-from',
      '127.0.0.1:5000/unidesk/backend-core-cache',
      '--cache-to',
      '127.0.0.1:5000/unidesk/backend-core-cache',
    ]);
    expect(buildCacheArgs(undefined)).toEqual([]);
  });

  test('refuses a registry that is not loopback', () => {
    expect(() => buildCacheRepository('registry.example.com:5000', BACKEND_CORE_IMAGE)).toThrow(/only in the loopback artifact registry/);
  });
});

describe('base image failure', () => {
  test('a FROM that cannot be pulled is infra.registry naming the image', () => {
    const e = baseImageFailure(
      buildFailure(
        [
          'STEP 1/2: FROM docker.io/library/busybox:0.0.0-missing',
          'Trying to pull docker.io/library/busybox:0.0.0-missing...',
          'Error: creating build container: initializing source docker://busybox:0.0.0-missing: reading manifest 0.0.0-missing in 127.0.0.1:5000/library/busybox: manifest unknown',
        ].join('\n'),
      ),
      'src/components/backend-core/Dockerfile',
    );
    expect(e?.failureClass).toBe('infra.registry');
    expect(e?.message).toMatch(
      /^the base image docker\.io\/library\/busybox:0\.0\.0-missing of src\/components\/backend-core\/Dockerfile could not be pulled: initializing source .*manifest unknown$/,
    );
    expect(e?.details.outputTail).toContain('Trying to pull');
  });

  test("without the STEP line, the image is taken from buildah's error", () => {
    const e = baseImageFailure(
      buildFailure('Error: creating build container: initializing source docker://127.0.0.1:1/unidesk-lab/nope:1: pinging container registry 127.0.0.1:1: connection refused'),
      'Dockerfile',
    );
    expect(e?.message).toMatch(/^the base image 127\.0\.0\.1:1\/unidesk-lab\/nope:1 of Dockerfile could not be pulled/);
  });

  test("a RUN that fails stays the commit's failure", () => {
    expect(baseImageFailure(buildFailure('STEP 2/3: RUN false\nError: building at STEP "RUN false": while running runtime: exit status 1'), 'Dockerfile')).toBeUndefined();
    expect(baseImageFailure(new CiError('infra.registry', 'x', { outputTail: 'Error: creating build container: y' }), 'Dockerfile')).toBeUndefined();
  });
});

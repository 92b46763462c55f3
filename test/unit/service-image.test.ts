// The service image spec: Code Queue's labels, tag policy and node name; a pinned commit checked
// before the network; the reuse/refuse decision on what the registry holds under the tag; the
// lab node's runtime mapping of an image's Entrypoint/Cmd/Env.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../harness/config.ts';
import { CiError } from '../../harness/failure.ts';
import { nodeImageName } from '../../harness/image/node-import.ts';
import { CODE_QUEUE_IMAGE, findExisting, resolveSource, SERVICE_PUBLISH_STEPS, startPublication } from '../../harness/image/publish/index.ts';
import { serviceIdentityLabels, serviceLabels } from '../../harness/image/labels.ts';
import { OCI_MANIFEST } from '../../harness/registry/media-types.ts';
import { assertServicePublishRef, serviceImageRef } from '../../harness/registry/tag-policy.ts';
import { containerArgv, imageEnv, mapNodeArgv } from '../../fixtures/lab/runners/node-image.ts';

const SHA = 'd'.repeat(40);
const REG = '127.0.0.1:5000';
const REPO = 'http://127.0.0.1:1/unidesk.git';

describe('Code Queue service image', () => {
  test('labels: service id, source, commit and its own Dockerfile, plus OCI', () => {
    expect(serviceLabels(CODE_QUEUE_IMAGE, { commit: SHA, sourceRepo: REPO, created: 'T' })).toEqual({
      'unidesk.ai/service-id': 'code-queue',
      'unidesk.ai/source-repo': REPO,
      'unidesk.ai/source-commit': SHA,
      'unidesk.ai/dockerfile': 'src/components/code-queue/Dockerfile',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.source': REPO,
      'org.opencontainers.image.created': 'T',
    });
  });

  test('tag policy: <registry>/unidesk/code-queue:<commit>; backend-core or latest refused', () => {
    expect(serviceImageRef(CODE_QUEUE_IMAGE, REG, SHA)).toBe(`${REG}/unidesk/code-queue:${SHA}`);
    expect(() => assertServicePublishRef(CODE_QUEUE_IMAGE, `${REG}/unidesk/backend-core:${SHA}`, REG)).toThrow(/repository unidesk\/backend-core is not unidesk\/code-queue/);
    expect(() => assertServicePublishRef(CODE_QUEUE_IMAGE, `${REG}/unidesk/code-queue:latest`, REG)).toThrow(/"latest" is never published/);
  });

  test('containerd names a tagged image without its digest, a digest-only one by its digest', () => {
    const d = `sha256:${'e'.repeat(64)}`;
    expect(nodeImageName(`${REG}/unidesk/code-queue:${SHA}@${d}`)).toBe(`${REG}/unidesk/code-queue:${SHA}`);
    expect(nodeImageName(`${REG}/unidesk/code-queue@${d}`)).toBe(`${REG}/unidesk/code-queue@${d}`);
  });

  test('the steps a gate runs one by one, in order, without the backend-core target check', () => {
    expect(SERVICE_PUBLISH_STEPS.map(([n]) => n)).toEqual(['registry health', 'source', 'existing', 'build', 'push', 'verify']);
  });
});

const config = loadConfig({ UNIDESK_CI_REPO_URL: REPO, UNIDESK_CI_REGISTRY: REG });
const start = (commit: string) => startPublication({ config, env: {}, log: () => undefined }, { image: CODE_QUEUE_IMAGE, commit });

describe('a pinned commit', () => {
  test.each(['abc1234', SHA.toUpperCase(), `${SHA}0`])('%s is refused as input before any remote is asked', async (commit) => {
    await expect(resolveSource(start(commit))).rejects.toMatchObject({ failureClass: 'input', message: expect.stringContaining('not a full 40-character lowercase SHA') });
  });

  test('found on a branch by the caller: the remote (unreachable here) is not asked again', async () => {
    const p = startPublication({ config, env: {}, log: () => undefined }, { image: CODE_QUEUE_IMAGE, commit: SHA, branches: ['master'] });
    await resolveSource(p);
    expect(p).toMatchObject({ commit: SHA, imageRef: `${REG}/unidesk/code-queue:${SHA}` });
  });
});

/** A registry holding one image (manifest + config blob) under repository:tag. */
function registryWith(repository: string, tag: string, labels: Record<string, string> | undefined) {
  const config = Buffer.from(JSON.stringify({ config: { Labels: labels } }));
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [] }),
  );
  const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  return {
    digest,
    client: {
      registry: REG,
      baseUrl: `http://${REG}`,
      ping: async () => 200,
      manifest: async (r: string, ref: string) => (labels !== undefined && r === repository && ref === tag ? { digest, mediaType: OCI_MANIFEST, body: manifest } : undefined),
      blob: async (_r: string, d: string) => (d === configDigest ? config : Promise.reject(new Error(`no blob ${d}`))),
      blobStream: async () => Promise.reject(new Error('not used')),
    },
  };
}

describe('reuse or refuse what the tag holds', () => {
  const identity = serviceIdentityLabels(CODE_QUEUE_IMAGE, { commit: SHA, sourceRepo: REPO });
  const prepared = (labels: Record<string, string> | undefined) => {
    const reg = registryWith('unidesk/code-queue', SHA, labels);
    const p = { ...start(SHA), registry: reg.client as never, commit: SHA, imageRef: `${REG}/unidesk/code-queue:${SHA}`, labels: identity };
    return { p, digest: reg.digest };
  };

  test('no such tag: nothing reused, the build goes ahead', async () => {
    const { p } = prepared(undefined);
    await findExisting(p);
    expect(p.existing).toBeUndefined();
    expect(p.digest).toBeUndefined();
  });

  test('the tag with this commit identity (created may differ): reused with its digest', async () => {
    const { p, digest } = prepared({ ...identity, 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' });
    await findExisting(p);
    expect(p.existing?.digest).toBe(digest);
    expect(p.digest).toBe(digest);
  });

  test('labels that disagree: refused naming each mismatching label, nothing reused', async () => {
    const { p } = prepared({ ...identity, 'unidesk.ai/service-id': 'impostor', 'unidesk.ai/source-commit': 'f'.repeat(40) });
    const e = await findExisting(p).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CiError);
    expect((e as CiError).failureClass).toBe('infra.registry');
    expect((e as CiError).message).toContain(`is not this commit's code-queue image`);
    expect((e as CiError).message).toContain('unidesk.ai/service-id="impostor" (expected "code-queue")');
    expect((e as CiError).message).toContain(`unidesk.ai/source-commit="${'f'.repeat(40)}" (expected "${SHA}")`);
    expect((e as CiError).message).not.toContain('unidesk.ai/dockerfile');
    expect(p.existing).toBeUndefined();
  });
});

describe('lab node runtime mapping', () => {
  const cfg = { Entrypoint: null, Cmd: ['node', '/app/service/main.ts'], Env: ['PATH=/usr/bin', 'CODE_QUEUE_LISTEN_HOST=0.0.0.0', 'A=b=c'], WorkingDir: '/app' };
  test('Entrypoint/Cmd combine with the pod command/args as Kubernetes does', () => {
    expect(containerArgv({}, cfg)).toEqual(['node', '/app/service/main.ts']);
    expect(containerArgv({ args: ['/app/other.ts'] }, { ...cfg, Entrypoint: ['node'], Cmd: ['/app/service/main.ts'] })).toEqual(['node', '/app/other.ts']);
    expect(containerArgv({ command: ['node', '/x.ts'] }, cfg)).toEqual(['node', '/x.ts']);
  });
  test('node is this machine node; absolute paths that exist in the rootfs are taken there; others refused', () => {
    const rootfs = import.meta.dirname; // holds this test file
    expect(mapNodeArgv(['/usr/local/bin/node', '/service-image.test.ts', '/nope', '--flag'], rootfs)).toEqual({ cmd: process.execPath, args: [`${rootfs}/service-image.test.ts`, '/nope', '--flag'] });
    expect(() => mapNodeArgv(['/bin/sh', '-c', 'x'], rootfs)).toThrow(/runs only node images/);
  });
  test('the image Env goes under the pod env, without PATH', () => {
    expect(imageEnv(cfg)).toEqual({ CODE_QUEUE_LISTEN_HOST: '0.0.0.0', A: 'b=c' });
  });
});

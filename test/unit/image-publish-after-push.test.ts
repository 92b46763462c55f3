// The check-then-push race: a concurrent publisher pushing the same tag is detected after our push.
import { describe, expect, test } from 'vitest';
import { settleTagAfterPush } from '../../harness/image/publish/after-push.ts';
import type { Publication } from '../../harness/image/publish/state.ts';
import type { RegistryClient } from '../../harness/registry/client.ts';
import { BACKEND_CORE_IMAGE } from '../../harness/image/service-image.ts';

const COMMIT = 'a'.repeat(40);
const OURS = `sha256:${'1'.repeat(64)}`;
const THEIRS = `sha256:${'2'.repeat(64)}`;
const CONFIG = `sha256:${'c'.repeat(64)}`;
const LABELS = { 'unidesk.ai/service-id': 'backend-core', 'unidesk.ai/source-commit': COMMIT };

/** A registry whose tag holds `digest` with `labels` (the manifest body is not re-hashed here). */
function registryHolding(digest: string | undefined, labels: Record<string, string>): RegistryClient {
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: CONFIG, size: 2 },
    layers: [],
  };
  return {
    registry: '127.0.0.1:5000',
    baseUrl: 'http://127.0.0.1:5000',
    ping: async () => 200,
    manifest: async () => (digest ? { digest, mediaType: manifest.mediaType, body: Buffer.from(JSON.stringify(manifest)) } : undefined),
    blob: async () => Buffer.from(JSON.stringify({ config: { Labels: labels } })),
    blobStream: async () => {
      throw new Error('not used');
    },
  };
}

function publication(registry: RegistryClient, logs: string[]): Publication {
  return {
    image: BACKEND_CORE_IMAGE,
    registry,
    commit: COMMIT,
    imageRef: `127.0.0.1:5000/unidesk/backend-core:${COMMIT}`,
    labels: { ...LABELS },
    log: (l: string) => logs.push(l),
    built: true,
  } as unknown as Publication;
}

describe('settleTagAfterPush', () => {
  test('the tag holds our digest: ours', async () => {
    expect(await settleTagAfterPush(publication(registryHolding(OURS, LABELS), []), OURS)).toBe(OURS);
  });
  test('another publisher of another image won the tag: infra.registry naming both digests', async () => {
    const p = publication(registryHolding(THEIRS, { ...LABELS, 'unidesk.ai/source-commit': 'b'.repeat(40) }), []);
    await expect(settleTagAfterPush(p, OURS)).rejects.toEqual(
      expect.objectContaining({
        failureClass: 'infra.registry',
        message: expect.stringMatching(new RegExp(`pushed concurrently by another publisher: the tag holds ${THEIRS}, not the ${OURS} this run pushed`)),
      }),
    );
  });
  test("another build of this commit won the tag: the tag's digest is reported, both are logged", async () => {
    const logs: string[] = [];
    const p = publication(registryHolding(THEIRS, { ...LABELS, 'org.opencontainers.image.created': '2026-01-01T00:00:00.000Z' }), logs);
    expect(await settleTagAfterPush(p, OURS)).toBe(THEIRS);
    expect(logs.join('\n')).toContain(`the tag holds ${THEIRS} (this run pushed ${OURS}`);
    expect(p.labels).toMatchObject(LABELS);
  });
  test('the tag is gone after the push: infra.registry', async () => {
    await expect(settleTagAfterPush(publication(registryHolding(undefined, LABELS), []), OURS)).rejects.toEqual(expect.objectContaining({ failureClass: 'infra.registry' }));
  });
});

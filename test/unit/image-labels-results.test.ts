// The label set and the result files CD reads.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { backendCoreLabels, identityLabels } from '../../harness/image/labels.ts';
import { labelMismatches } from '../../harness/registry/labels.ts';
import { writeArtifactRecord, writeTektonResults } from '../../harness/image/results.ts';

const SHA = 'f'.repeat(40);
const REPO = 'http://127.0.0.1:1/unidesk.git';

describe('backend-core labels', () => {
  test('carry the seed minimum and the OCI revision/source/created', () => {
    expect(backendCoreLabels({ commit: SHA, sourceRepo: REPO, created: '2026-01-01T00:00:00.000Z' })).toEqual({
      'unidesk.ai/service-id': 'backend-core',
      'unidesk.ai/source-repo': REPO,
      'unidesk.ai/source-commit': SHA,
      'unidesk.ai/dockerfile': 'src/components/backend-core/Dockerfile',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.source': REPO,
      'org.opencontainers.image.created': '2026-01-01T00:00:00.000Z',
    });
  });

  test('identity labels leave out created, so a republish is recognised', () => {
    expect(identityLabels({ commit: SHA, sourceRepo: REPO })).not.toHaveProperty('org.opencontainers.image.created');
  });

  test('mismatches name the missing and the wrong labels', () => {
    const expected = identityLabels({ commit: SHA, sourceRepo: REPO });
    const actual = { ...expected, 'unidesk.ai/source-commit': 'e'.repeat(40) } as Record<string, string>;
    delete actual['unidesk.ai/dockerfile'];
    const lines = labelMismatches(actual, expected);
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toMatch(/unidesk\.ai\/source-commit="e{40}" \(expected "f{40}"\)/);
    expect(lines.join('\n')).toMatch(/unidesk\.ai\/dockerfile missing/);
    expect(labelMismatches(expected, expected)).toEqual([]);
  });
});

describe('publication outputs', () => {
  test('Tekton result files have no trailing newline; the record is validated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unidesk-ci-results-'));
    try {
      await writeTektonResults(join(dir, 'results'), { IMAGE_URL: 'r/x:1', IMAGE_DIGEST: `sha256:${'0'.repeat(64)}` });
      expect(await readFile(join(dir, 'results', 'IMAGE_URL'), 'utf8')).toBe('r/x:1');
      const base = { serviceId: 'backend-core' as const, commit: SHA, imageRef: 'r', pinnedRef: 'r@d', sourceRepo: REPO, labels: {}, built: true, publishedAt: 'now' };
      await expect(writeArtifactRecord(dir, { ...base, imageDigest: 'sha256:nothex' })).rejects.toThrow();
      const file = await writeArtifactRecord(dir, { ...base, imageDigest: `sha256:${'0'.repeat(64)}` });
      expect(file).toBe(join(dir, 'artifact', `backend-core-${SHA}.json`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

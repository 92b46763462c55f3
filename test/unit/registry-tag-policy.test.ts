// The one tag policy: every way to name a different target is refused with an `input` error.
import { describe, expect, test } from 'vitest';
import { assertPublishRef, backendCoreRef } from '../../harness/registry/tag-policy.ts';
import { CiError } from '../../harness/failure.ts';

const REG = '127.0.0.1:5000';
const SHA = 'a'.repeat(40);

function refusal(fn: () => unknown): CiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CiError);
    expect((e as CiError).failureClass).toBe('input');
    return e as CiError;
  }
  throw new Error('expected a refusal');
}

describe('backend-core tag policy', () => {
  test('the commit-pinned loopback reference is accepted', () => {
    expect(backendCoreRef(REG, SHA)).toBe(`${REG}/unidesk/backend-core:${SHA}`);
    expect(assertPublishRef(`${REG}/unidesk/backend-core:${SHA}`, REG, SHA)).toBe(`${REG}/unidesk/backend-core:${SHA}`);
  });

  test.each([
    ['latest', `${REG}/unidesk/backend-core:latest`, /"latest" is never published/],
    ['no tag (implicit latest)', `${REG}/unidesk/backend-core`, /no tag/],
    ['short SHA', `${REG}/unidesk/backend-core:${SHA.slice(0, 7)}`, /not a full 40-character/],
    ['uppercase SHA', `${REG}/unidesk/backend-core:${'A'.repeat(40)}`, /not a full 40-character lowercase/],
    ['branch name', `${REG}/unidesk/backend-core:master`, /not a full 40-character/],
    ['Docker Hub short name', `unidesk/backend-core:${SHA}`, /names no registry/],
    ['docker.io explicit', `docker.io/unidesk/backend-core:${SHA}`, /registry docker\.io/],
    ['ghcr.io', `ghcr.io/unidesk/backend-core:${SHA}`, /registry ghcr\.io/],
    ['other loopback port', `127.0.0.1:5001/unidesk/backend-core:${SHA}`, /127\.0\.0\.1:5001/],
    ['localhost alias', `localhost:5000/unidesk/backend-core:${SHA}`, /localhost:5000/],
    ['other repository', `${REG}/unidesk/code-queue:${SHA}`, /repository unidesk\/code-queue/],
    ['digest target', `${REG}/unidesk/backend-core@sha256:${'b'.repeat(64)}`, /not a digest|no tag/],
    ['garbage', `${REG}/unidesk/backend-core:bad tag`, /invalid/],
  ])('%s is refused', (_what, ref, message) => {
    expect(refusal(() => assertPublishRef(ref, REG)).message).toMatch(message);
  });

  test('a tag that is another commit is refused once the commit is known', () => {
    expect(refusal(() => assertPublishRef(`${REG}/unidesk/backend-core:${'b'.repeat(40)}`, REG, SHA)).message).toMatch(/is not the source commit/);
  });

  test('a non-loopback configured registry is refused even for a well-formed ref', () => {
    expect(refusal(() => backendCoreRef('registry.example.com:5000', SHA)).message).toMatch(/not a loopback/);
  });

  test('the refusal says what would be accepted', () => {
    expect(refusal(() => assertPublishRef(`${REG}/unidesk/backend-core:latest`, REG)).details.hint).toContain(`${REG}/unidesk/backend-core:<40-hex commit>`);
  });
});

// The one tag policy for backend-core artifacts (seed: "Backend-Core Artifact Publication"):
// <configured loopback registry>/unidesk/backend-core:<40-hex commit>, nothing else.
// Checked before anything is built or pushed; every publish path goes through here.
import { loopbackRegistry } from '../config.ts';
import { CiError } from '../failure.ts';
import { formatImageRef, parseImageRef, type ImageRef } from './reference.ts';

export const BACKEND_CORE_REPOSITORY = 'unidesk/backend-core';
const COMMIT = /^[0-9a-f]{40}$/;

/** The single reference a commit may be published as. */
export function backendCoreRef(registry: string, commit: string): string {
  return assertPublishRef(`${registry}/${BACKEND_CORE_REPOSITORY}:${commit}`, registry, commit);
}

/**
 * Refuse (input) any target that is not exactly the configured loopback registry, the
 * backend-core repository and the commit's full 40-hex SHA as tag. Returns the normalised ref.
 */
export function assertPublishRef(ref: string, configuredRegistry: string, commit?: string): string {
  const refuse = (why: string) =>
    new CiError('input', `refusing to publish ${JSON.stringify(ref)}: ${why}`, {
      hint: `publish only to ${configuredRegistry}/${BACKEND_CORE_REPOSITORY}:<40-hex commit>; there is no fallback registry and no mutable tag`,
    });
  if (!loopbackRegistry.safeParse(configuredRegistry).success) {
    throw refuse(`the configured registry ${JSON.stringify(configuredRegistry)} is not a loopback host:port`);
  }
  let parsed: ImageRef;
  try {
    parsed = parseImageRef(ref);
  } catch (e) {
    throw refuse((e as Error).message);
  }
  if (!ref.startsWith(`${parsed.registry}/`)) throw refuse('the reference names no registry');
  if (parsed.registry !== configuredRegistry) {
    throw refuse(`registry ${parsed.registry} is not the configured D601 artifact registry ${configuredRegistry}`);
  }
  if (parsed.repository !== BACKEND_CORE_REPOSITORY) throw refuse(`repository ${parsed.repository} is not ${BACKEND_CORE_REPOSITORY}`);
  if (parsed.digest) throw refuse('a publication target is a tag, not a digest');
  if (!parsed.tag) throw refuse('no tag: the tag must be the 40-character source commit');
  if (parsed.tag === 'latest') throw refuse('the mutable tag "latest" is never published');
  if (!COMMIT.test(parsed.tag)) throw refuse(`tag ${parsed.tag} is not a full 40-character lowercase commit SHA`);
  if (commit !== undefined && parsed.tag !== commit) throw refuse(`tag ${parsed.tag} is not the source commit ${commit}`);
  return formatImageRef(parsed);
}

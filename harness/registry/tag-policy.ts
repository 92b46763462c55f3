// The one tag policy for service artifacts (seed: "Backend-Core Artifact Publication"):
// <configured loopback registry>/<service repository>:<40-hex commit>, nothing else, e.g.
// unidesk/backend-core:<commit>, unidesk/code-queue:<commit>.
// Checked before anything is built or pushed; every publish path goes through here.
import { loopbackRegistry } from '../config.ts';
import { CiError } from '../failure.ts';
import { BACKEND_CORE_IMAGE, type ServiceImage } from '../image/service-image.ts';
import { formatImageRef, parseImageRef, type ImageRef } from './reference.ts';

export const BACKEND_CORE_REPOSITORY = BACKEND_CORE_IMAGE.repository;
const COMMIT = /^[0-9a-f]{40}$/;

/** The single reference a commit of a service may be published as. */
export function serviceImageRef(image: ServiceImage, registry: string, commit: string): string {
  return assertServicePublishRef(image, `${registry}/${image.repository}:${commit}`, registry, commit);
}

export const backendCoreRef = (registry: string, commit: string) => serviceImageRef(BACKEND_CORE_IMAGE, registry, commit);

/**
 * Refuse (input) any target that is not exactly the configured loopback registry, the service's
 * repository and the commit's full 40-hex SHA as tag. Returns the normalised ref.
 */
export function assertServicePublishRef(image: ServiceImage, ref: string, configuredRegistry: string, commit?: string): string {
  const repository = image.repository;
  const refuse = (why: string) =>
    new CiError('input', `refusing to publish ${JSON.stringify(ref)}: ${why}`, {
      hint: `publish only to ${configuredRegistry}/${repository}:<40-hex commit>; there is no fallback registry and no mutable tag`,
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
  if (parsed.repository !== repository) throw refuse(`repository ${parsed.repository} is not ${repository}`);
  if (parsed.digest) throw refuse('a publication target is a tag, not a digest');
  if (!parsed.tag) throw refuse('no tag: the tag must be the 40-character source commit');
  if (parsed.tag === 'latest') throw refuse('the mutable tag "latest" is never published');
  if (!COMMIT.test(parsed.tag)) throw refuse(`tag ${parsed.tag} is not a full 40-character lowercase commit SHA`);
  if (commit !== undefined && parsed.tag !== commit) throw refuse(`tag ${parsed.tag} is not the source commit ${commit}`);
  return formatImageRef(parsed);
}

/** The backend-core policy (UNIDESK_CI_IMAGE_REF of the artifact gate). */
export const assertPublishRef = (ref: string, configuredRegistry: string, commit?: string) => assertServicePublishRef(BACKEND_CORE_IMAGE, ref, configuredRegistry, commit);

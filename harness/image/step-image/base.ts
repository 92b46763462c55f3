// The step image's base: Debian bookworm, always pinned by digest (a moving tag would make the
// same tag mean different images). On a cluster it is pulled through the egress proxy like any
// other pull; the lab has no public registry and builds its own (fixtures/lab/registry/debian-base.ts).
import { CiError } from '../../failure.ts';
import { parseImageRef } from '../../registry/reference.ts';

/**
 * debian:bookworm-slim as pinned in public Dockerfiles (a multi-platform index digest). The
 * operator re-pins it to the digest the egress proxy's registry serves today
 * (`skopeo inspect --format '{{.Digest}}' docker://docker.io/library/debian:bookworm-slim`).
 */
export const DEFAULT_STEP_BASE_IMAGE = 'docker.io/library/debian:bookworm-slim@sha256:4b50eb66f977b4062683ff434ef18ac191da862dbe966961bc11990cf5791a8d';

/** Pure: why a base reference is refused, or undefined. */
export function basePinProblem(ref: string): string | undefined {
  let digest: string | undefined;
  try {
    digest = parseImageRef(ref).digest;
  } catch (e) {
    return (e as Error).message;
  }
  return digest ? undefined : `${ref} is not pinned by digest (…@sha256:<64 hex>); a moving tag would let the same step image tag name different images`;
}

export function stepBaseImage(env: NodeJS.ProcessEnv): string {
  const ref = env.UNIDESK_CI_STEP_BASE_IMAGE || DEFAULT_STEP_BASE_IMAGE;
  const problem = basePinProblem(ref);
  if (problem) throw new CiError('input', `UNIDESK_CI_STEP_BASE_IMAGE: ${problem}`);
  return ref;
}

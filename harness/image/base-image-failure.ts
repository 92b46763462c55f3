// A build that stops before its first RUN because a FROM image cannot be pulled (on D601 through
// the egress proxy; in the lab from the lab registry) is a registry failure, not the commit's: the
// error names the image buildah was pulling, so the operator knows which base to mirror or allow.
import { CiError } from '../failure.ts';

// buildah 1.28: `Error: creating build container: initializing source docker://<ref>: <why>`
// or `Error: creating build container: ... reading manifest <tag> in <repo>: manifest unknown`
const CREATING = /Error: creating build container: (.*)$/;
const SOURCE = /initializing source docker:\/\/(\S+?): /;
const FROM_STEP = /^STEP \d+\/\d+: FROM (\S+)/;

/** The infra.registry error for a base image pull failure in `error`'s output tail, else undefined. */
export function baseImageFailure(error: unknown, dockerfile: string): CiError | undefined {
  if (!(error instanceof CiError) || error.failureClass !== 'app') return undefined;
  const tail = String(error.details?.outputTail ?? '').split('\n');
  const failed = tail.map((l) => CREATING.exec(l)).find((m) => m);
  if (!failed) return undefined;
  const named =
    tail
      .map((l) => FROM_STEP.exec(l)?.[1])
      .filter((x): x is string => !!x)
      .at(-1) ??
    SOURCE.exec(failed[1])?.[1] ??
    '(unnamed)';
  return new CiError('infra.registry', `the base image ${named} of ${dockerfile} could not be pulled: ${failed[1]}`, {
    hint: `on D601 base images come through the egress proxy; make ${named} reachable there (or mirror it into the loopback registry) and publish again`,
    command: error.details?.command,
    exitCode: error.details?.exitCode,
    outputTail: error.details?.outputTail,
  });
}

// One service image publication (backend-core unless told otherwise): the facts its steps learn,
// in order. Steps are plain functions over this state so the gates run them as JUnit steps and the
// CLI runs them in a row.
import type { RunConfig } from '../../config.ts';
import { required } from '../../config.ts';
import { createRegistryClient, type RegistryClient } from '../../registry/client.ts';
import type { RemoteImage } from '../../registry/labels.ts';
import { BACKEND_CORE_IMAGE, type ServiceImage } from '../service-image.ts';

export type PublishContext = {
  config: RunConfig;
  /** Environment for child processes (buildah storage/registries configuration). */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  log: (line: string) => void;
};

export type Publication = PublishContext & {
  image: ServiceImage;
  /** A commit already resolved by the caller (the dev environment's pin): checked on the remote, not resolved. */
  pinnedCommit?: string;
  /** The remote's branches the caller already found containing pinnedCommit (dev-e2e step 1): the remote is not asked again. */
  pinnedOn?: readonly string[];
  remote: string;
  registry: RegistryClient;
  resultsDir: string;
  commit?: string;
  imageRef?: string;
  labels?: Record<string, string>;
  /** The tag already held this commit's image (republish). */
  existing?: RemoteImage;
  /** Local image name built by buildah. */
  localImage?: string;
  digest?: string;
  built: boolean;
};

export function startPublication(ctx: PublishContext, o: { image?: ServiceImage; commit?: string; branches?: readonly string[] } = {}): Publication {
  const image = o.image ?? BACKEND_CORE_IMAGE;
  const remote = required(ctx.config.repoUrl, 'UNIDESK_CI_REPO_URL', `the Git remote the ${image.serviceId} image is built from`);
  return {
    ...ctx,
    image,
    pinnedCommit: o.commit,
    pinnedOn: o.branches,
    remote,
    registry: createRegistryClient({ registry: ctx.config.registry, timeoutMs: 30_000 }),
    resultsDir: ctx.config.resultsDir,
    built: false,
  };
}

/** A fact a later step needs; missing means the steps ran out of order. */
export function need<T>(value: T | undefined, what: string): T {
  // unclassified: a harness bug (the gate's steps run in order)
  if (value === undefined) throw new Error(`publication: ${what} is not known yet (steps ran out of order)`);
  return value;
}

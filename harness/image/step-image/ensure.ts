// `ensureStepImage`: the registry serves the step image of this checkout afterwards, verified by
// digest over the registry API. Reused (no build) when the tag is there with the same content
// hash and base; otherwise staged, built, pushed and read back. An unhealthy registry stops it
// with infra.registry before anything is built.
import { join } from 'node:path';
import { CiError } from '../../failure.ts';
import { createRegistryClient } from '../../registry/client.ts';
import { verifyPublishedImage } from '../../registry/labels.ts';
import { runProcess } from '../../process/run.ts';
import { REPO_ROOT } from '../../tekton/crd-files.ts';
import { stepBaseImage } from './base.ts';
import { buildStepImage, inspectLocalImage, pushStepImage } from './build.ts';
import { stageContext } from './context.ts';
import { STEP_IMAGE_REPOSITORY, stepImageLabels, stepImageRefFor } from './reference.ts';
import { reuseDecision, servedStepImage } from './served.ts';
import { buildCacheDir, stepImageBuildEnv } from './storage.ts';
import { computeStepImageTag, stepImageTag } from './tag.ts';

export type EnsureOptions = {
  /** host:port of the loopback registry to push to (UNIDESK_CI_REGISTRY). */
  registry: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** The checkout to build (default: this one). */
  root?: string;
  timeoutMs?: number;
  /** Full gzip on push (default false: level 1; a loopback registry gains little from smaller layers). */
  compress?: boolean;
  /** Build even when the build storage has this tag with these labels (a test of the build itself). */
  rebuild?: boolean;
};

export type EnsuredStepImage = { ref: string; digest: string; tag: string; contentHash: string; built: boolean; durationMs: number };

/** The commit the files are, when the worktree is clean (else the label would lie). */
async function sourceCommit(root: string): Promise<string | undefined> {
  const status = await runProcess('git', ['-C', root, 'status', '--porcelain'], { timeoutMs: 30_000 }).catch(() => undefined);
  if (!status || status.exitCode !== 0 || status.stdout.trim()) return undefined;
  const head = await runProcess('git', ['-C', root, 'rev-parse', 'HEAD']);
  return head.exitCode === 0 ? head.stdout.trim() : undefined;
}

/** Every label this build would set is on the image already (the base image adds its own). */
function sameLabels(have: Record<string, string> | undefined, want: Record<string, string>): boolean {
  return !!have && Object.entries(want).every(([k, v]) => have[k] === v);
}

export async function ensureStepImage(o: EnsureOptions): Promise<EnsuredStepImage> {
  const t0 = performance.now();
  const root = o.root ?? REPO_ROOT;
  const baseImage = stepBaseImage(o.env);
  const { tag, contentHash, files } = await stepImageTag(root);
  const ref = stepImageRefFor(o.registry, tag);
  const client = createRegistryClient({ registry: o.registry, transportFailure: 'infra.registry', timeoutMs: 60_000 });
  const decision = reuseDecision(await servedStepImage(o.registry, ref, o.signal, client), { contentHash, baseImage });
  if (decision.reuse) {
    o.log(`step image: ${ref} is served as ${decision.digest} with ${contentHash}; reused, nothing built`);
    return { ref, digest: decision.digest, tag, contentHash, built: false, durationMs: Math.round(performance.now() - t0) };
  }
  o.log(`step image: building ${ref} (${decision.why})`);
  const env = await stepImageBuildEnv(o.env);
  const context = await stageContext(root, files, join(buildCacheDir(o.env), 'contexts'));
  const labels = stepImageLabels({ contentHash, baseImage, commit: await sourceCommit(root) });
  const localName = `localhost/${STEP_IMAGE_REPOSITORY}:${tag}`;
  try {
    // the copy is what gets built: it must be the files the tag was computed from
    const staged = await computeStepImageTag(context.project);
    if (staged.tag !== tag) throw new CiError('input', `the checkout changed while the step image was being staged (tag ${tag}, staged files hash to ${staged.tag}); run install again`);
    o.log(`step image: context staged (${files.length} project files, ${context.packages} production packages, node ${context.nodeVersion})`);
    // built before from these very files, base and commit (the tag is their hash): not built again
    if (!o.rebuild && sameLabels((await inspectLocalImage(localName, env))?.labels, labels)) o.log(`step image: ${localName} is in the build storage with these labels; not built again`);
    else await buildStepImage({ contextDir: context.dir, containerfile: context.containerfile, baseImage, localName, labels, env, log: o.log, signal: o.signal, timeoutMs: o.timeoutMs });
  } finally {
    await context.close();
  }
  const digest = await pushStepImage({
    localName,
    remote: ref,
    compress: o.compress ?? false,
    env,
    log: o.log,
    signal: o.signal,
    timeoutMs: o.timeoutMs,
    layoutCacheDir: join(buildCacheDir(o.env), 'layouts'),
  });
  await verifyPublishedImage(client, STEP_IMAGE_REPOSITORY, tag, { digest, labels }, o.signal).catch((e: unknown) => {
    // a pushed image without its own labels is this build's fault, but for install it is the registry's word that counts
    throw e instanceof CiError && e.failureClass === 'app' ? new CiError('infra.registry', e.message) : e;
  });
  o.log(`step image: ${ref} pushed and verified by digest ${digest}`);
  return { ref, digest, tag, contentHash, built: true, durationMs: Math.round(performance.now() - t0) };
}

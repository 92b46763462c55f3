// Backend-core artifact publication as one call (CLI, benchmark), in the order the gate runs it.
import type { ArtifactRecord } from '../results.ts';
import { buildFromFreshClone, pushBuiltImage } from './build.ts';
import { findExisting } from './existing.ts';
import { verifyInRegistry, writeOutputs } from './outputs.ts';
import { resolveSource } from './source.ts';
import { startPublication, type PublishContext, type Publication } from './state.ts';
import { checkRegistryHealth, checkRequestedTarget } from './target.ts';

export { startPublication, type PublishContext, type Publication } from './state.ts';
export { checkRequestedTarget, checkRegistryHealth } from './target.ts';
export { resolveSource } from './source.ts';
export { findExisting } from './existing.ts';
export { buildFromFreshClone, pushBuiltImage } from './build.ts';
export { verifyInRegistry, writeOutputs } from './outputs.ts';

export const PUBLISH_STEPS: ReadonlyArray<[string, (p: Publication) => Promise<void> | void]> = [
  ['target', checkRequestedTarget],
  ['registry health', checkRegistryHealth],
  ['source', resolveSource],
  ['existing', findExisting],
  ['build', buildFromFreshClone],
  ['push', pushBuiltImage],
  ['verify', verifyInRegistry],
];

export async function publishBackendCore(ctx: PublishContext): Promise<ArtifactRecord & { recordFile: string }> {
  const p = startPublication(ctx);
  for (const [, step] of PUBLISH_STEPS) await step(p);
  return writeOutputs(p);
}

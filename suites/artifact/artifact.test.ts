// The artifact gate — seed, "Backend-Core Artifact Publication": build the requested pushed
// commit on D601, stamp the image labels, push a commit-pinned image to the D601 loopback
// artifact registry; fail if the registry is unhealthy (no fallback registry, no latest tag);
// output the image ref and digest as deployment input. It never restarts services, applies
// deployments, mutates namespaces or changes deploy.json: it has no Kubernetes client at all.
import { defineGate, gateEnv } from '../../harness/vitest/gate.ts';
import {
  buildFromFreshClone,
  checkRegistryHealth,
  checkRequestedTarget,
  findExisting,
  pushBuiltImage,
  resolveSource,
  startPublication,
  verifyInRegistry,
  writeOutputs,
  type Publication,
} from '../../harness/image/publish/index.ts';

const gate = defineGate('artifact');
const { config, facts } = gate;
let publication: Publication | undefined;
const pub = (signal: AbortSignal): Publication => {
  publication ??= startPublication({ config, env: { ...process.env, ...gateEnv() }, log: (l) => console.log(l) });
  publication.signal = signal;
  return publication;
};

gate.step('the target is the commit-pinned image in the configured loopback registry', async ({ property, signal }) => {
  await property('registry', config.registry);
  checkRequestedTarget(pub(signal));
});

gate.step('the D601 artifact registry is healthy', async ({ signal }) => {
  await checkRegistryHealth(pub(signal));
});

gate.step('the revision resolves to a pushed 40-character commit', async ({ property, signal }) => {
  await property('revision', config.source.worktree ? `HEAD of ${config.source.worktree}` : config.revision);
  const p = pub(signal);
  await resolveSource(p);
  facts.commit = p.commit;
  await property('image-ref', p.imageRef!);
});

gate.step('the image is built from a fresh clone with the backend-core labels', async ({ property, signal }) => {
  const p = pub(signal);
  await findExisting(p);
  await buildFromFreshClone(p);
  await property('image-rebuilt', String(p.built));
  if (p.existing) await property('image-reused-digest', p.existing.digest);
});

gate.step('the commit-pinned image is pushed to the artifact registry', async ({ property, signal }) => {
  const p = pub(signal);
  await pushBuiltImage(p);
  await property('image-digest', p.digest!);
});

gate.step('the registry serves the tag with the pushed digest and every label', async ({ signal }) => {
  await verifyInRegistry(pub(signal));
});

gate.step('the image ref and digest are output as deployment input', async ({ property, signal }) => {
  const out = await writeOutputs(pub(signal));
  facts['image-ref'] = out.imageRef;
  facts['image-digest'] = out.imageDigest;
  await property('image-ref', out.imageRef);
  await property('image-digest', out.imageDigest);
  await property('artifact-record', out.recordFile);
});

// The run's ephemeral namespace unidesk-ci-e2e-<run-id>: created labelled with the run id and an
// expiry (so the janitor can remove it if this process dies), objects registered as they are
// created, torn down in reverse order waiting for each deletion — on dispose (`await using`) and
// on SIGINT/SIGTERM. On failure, diagnostics are saved before anything is deleted. The runner's
// RoleBinding (run-binding.ts) is created right after the namespace and goes with it.
import { CiError } from '../failure.ts';
import { deleteAndWait } from './delete.ts';
import { saveDiagnostics } from './diagnostics.ts';
import { statusOf } from './errors.ts';
import { EXPIRES_ANNOTATION, RUN_LABEL, runNamespaceName } from './guard.ts';
import type { Kube } from './kube.ts';
import { describeRef, type Manifest, type ObjectRef } from './objects.ts';
import { createRunRoleBinding } from './run-binding.ts';
import { write } from './write.ts';
import { expiresAt as expiresAtFor } from './expiry.ts';
import { recordCreated, recordIntent } from '../cleanup/ledger.ts';

export type RunNamespaceOptions = {
  /** How long the janitor leaves it alone if teardown never runs. */
  ttlMs?: number;
  reportDir: string;
  waitMs?: number;
  /** Run teardown on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
};

export type RunNamespace = AsyncDisposable & {
  name: string;
  /** Register an object created in the run; teardown deletes in reverse registration order. */
  track: (ref: ObjectRef) => void;
  /** Diagnostics will be saved before deletion. */
  markFailed: () => void;
  teardown: () => Promise<void>;
};

export async function createRunNamespace(kube: Kube, o: RunNamespaceOptions): Promise<RunNamespace> {
  const name = runNamespaceName(kube.runId);
  const expiresAt = expiresAtFor(o.ttlMs ?? kube.ttlMs);
  const body: Manifest = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { [RUN_LABEL]: kube.runId, 'app.kubernetes.io/part-of': 'unidesk-ci' }, annotations: { [EXPIRES_ANNOTATION]: expiresAt } },
  };
  const nsRef: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name };
  // in the ledger before the request: the cleanup owner deletes it if Vitest dies before teardown
  recordIntent(nsRef, kube.runId);
  const created = await write(kube, { verb: 'create', ref: nsRef, object: body }, () => kube.core.createNamespace({ body })).catch((e: CiError) => {
    const code = statusOf(e.cause).code;
    throw code === 409 ? new CiError('infra.cluster', `namespace ${name} already exists: run id ${kube.runId} was used before; pick a new UNIDESK_CI_RUN_ID`) : e;
  });
  recordCreated(nsRef, kube.runId, created.metadata?.uid);
  kube.runNamespaces.add(name);
  kube.log(`namespace: created ${name} (expires ${expiresAt})`);
  // the runner's rights inside the namespace; without them nothing else can be created, so undo
  await createRunRoleBinding(kube, name).catch(async (e: Error) => {
    await deleteAndWait(kube, nsRef, { timeoutMs: o.waitMs }).catch((d: Error) => kube.log(`namespace: ${name}: ${d.message}`));
    kube.runNamespaces.delete(name);
    throw e;
  });

  const tracked: ObjectRef[] = [];
  let failed = false;
  let running: Promise<void> | undefined;

  const teardown = () => (running ??= doTeardown());
  async function doTeardown(): Promise<void> {
    unhook();
    if (failed) await saveDiagnostics(kube, name, o.reportDir).catch((e: Error) => kube.log(`diagnostics: ${name}: ${e.message}`));
    const errors: string[] = [];
    for (const ref of [...tracked].reverse()) {
      await deleteAndWait(kube, ref, { timeoutMs: o.waitMs }).catch((e: Error) => errors.push(`${describeRef(ref)}: ${e.message}`));
    }
    kube.log(`namespace: deleting ${name}`);
    await deleteAndWait(kube, nsRef, { timeoutMs: o.waitMs }).catch((e: Error) => errors.push(`${name}: ${e.message}`));
    kube.runNamespaces.delete(name);
    if (errors.length) throw new CiError('infra.cluster', `teardown of ${name} incomplete: ${errors.join('; ')}`);
    kube.log(`namespace: ${name} deleted`);
  }

  const onSignal = (sig: NodeJS.Signals) => {
    kube.log(`namespace: ${sig} received, tearing down ${name}`);
    void teardown()
      .catch((e: Error) => kube.log(e.message))
      .finally(() => process.kill(process.pid, sig));
  };
  const hooked = o.handleSignals !== false;
  if (hooked) for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, onSignal);
  function unhook() {
    if (hooked) for (const s of ['SIGINT', 'SIGTERM'] as const) process.removeListener(s, onSignal);
  }

  return {
    name,
    track: (ref) => void tracked.push(ref),
    markFailed: () => void (failed = true),
    teardown,
    [Symbol.asyncDispose]: teardown,
  };
}

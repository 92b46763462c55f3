// Opening the run's transport from the configuration: direct (a base URL) or cluster (the
// temporary read service, plus — in the lab — the database Secret it reads DATABASE_URL from).
// Every deletion is on one disposable stack *before* its object is created, so disposing at any
// point deletes whatever exists. SIGINT/SIGTERM aborts the step in flight (the rollout wait), waits
// for it to settle (an in-flight create then has landed or failed), disposes the stack, and
// re-raises the signal so the process still ends the way it was asked. Every path disposes through
// one promise: the step that the abort fails, and the gate's teardown, wait for the signal's
// disposal to finish; a second `disposeAsync()` would return at once, the step would end, and
// Vitest would end the worker with the deletions half done.
import type { RunConfig } from '../config.ts';
import { required } from '../config.ts';
import type { Kube } from '../kube/kube.ts';
import { labDatabaseSecret } from './database-secret.ts';
import { checkReadServiceImage } from './read-service-manifests.ts';
import { readService } from './read-service.ts';
import { directTransport, type Transport } from './transport.ts';

export type OpenTransport = AsyncDisposable & { transport: Transport; target: string };

/** `onFailure` saves the evidence of a failed start (the read service's pod logs, events) before its deletion. */
export async function openTransport(config: RunConfig, kube: () => Kube, o: { onFailure?: () => Promise<unknown> } = {}): Promise<OpenTransport> {
  if (config.perf.transport === 'direct') {
    const baseUrl = required(config.perf.baseUrl, 'UNIDESK_CI_PERF_BASE_URL', 'the Code Queue base URL the direct transport measures');
    return { transport: directTransport(baseUrl), target: baseUrl, [Symbol.asyncDispose]: async () => undefined };
  }
  checkReadServiceImage(config.perf.image, config.registry);
  const k = kube();
  const stack = new AsyncDisposableStack();
  const abort = new AbortController();
  let inFlight: Promise<unknown> = Promise.resolve();
  let disposing: Promise<void> | undefined;
  const dispose = () => (disposing ??= stack.disposeAsync());
  const onSignal = (sig: NodeJS.Signals) => {
    k.log(`perf: ${sig}: deleting what this run created before exiting`);
    // unclassified: not a failure, the process ends by the signal once cleanup is done
    abort.abort(new Error(`interrupted by ${sig}`));
    void dispose().finally(() => process.kill(process.pid, sig));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  stack.defer(() => void process.off('SIGINT', onSignal).off('SIGTERM', onSignal));
  try {
    const image = config.perf.image;
    const secretName = config.perf.databaseSecret;
    const secret = config.lab && config.perf.labDatabaseUrl ? stack.use(labDatabaseSecret(k, secretName, config.perf.labDatabaseUrl)) : undefined;
    const svc = stack.use(readService(k, { runId: config.runId, image, databaseSecret: secretName, proxyUrl: config.proxy.url, registry: config.registry }));
    // disposed first (LIFO): nothing is deleted while a create may still be on its way
    stack.defer(() =>
      inFlight.then(
        () => undefined,
        () => undefined,
      ),
    );
    if (secret) await (inFlight = secret.apply(abort.signal));
    const transport = await (inFlight = svc.deploy({ timeoutMs: config.waitMs, signal: abort.signal }));
    return { transport, target: image, [Symbol.asyncDispose]: dispose };
  } catch (e) {
    // interrupted: the signal's disposal is already under way, the process ends
    if (!abort.signal.aborted) await o.onFailure?.().catch((err: Error) => k.log(`perf: evidence: ${err.message}`));
    await dispose().catch(() => undefined);
    throw e;
  }
}

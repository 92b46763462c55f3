// Opening the run's transport from the configuration: direct (a base URL) or cluster (the
// temporary read service, plus — in the lab — the database Secret it reads DATABASE_URL from).
// Everything created is on one disposable stack, torn down on dispose, on failure, and on
// SIGINT/SIGTERM (then the signal is re-raised so the process still ends the way it was asked).
import type { RunConfig } from '../config.ts';
import { required } from '../config.ts';
import type { Kube } from '../kube/kube.ts';
import { applyDatabaseSecret } from './database-secret.ts';
import { checkReadServiceImage } from './read-service-manifests.ts';
import { deployReadService } from './read-service.ts';
import { directTransport, type Transport } from './transport.ts';

export type OpenTransport = AsyncDisposable & { transport: Transport; target: string };

export async function openTransport(config: RunConfig, env: Record<string, string | undefined>, kube: () => Kube): Promise<OpenTransport> {
  if (config.perf.transport === 'direct') {
    const baseUrl = required(config.perf.baseUrl, 'UNIDESK_CI_PERF_BASE_URL', 'the Code Queue base URL the direct transport measures');
    return { transport: directTransport(baseUrl), target: baseUrl, [Symbol.asyncDispose]: async () => undefined };
  }
  checkReadServiceImage(config.raw.UNIDESK_CI_PERF_IMAGE, config.registry);
  const k = kube();
  const stack = new AsyncDisposableStack();
  const onSignal = (sig: NodeJS.Signals) => {
    k.log(`perf: ${sig}: deleting what this run created before exiting`);
    void stack.disposeAsync().finally(() => process.kill(process.pid, sig));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  stack.defer(() => void process.off('SIGINT', onSignal).off('SIGTERM', onSignal));
  try {
    const secretName = config.raw.UNIDESK_CI_PERF_DATABASE_SECRET;
    if (config.lab && env.LAB_CODE_QUEUE_DATABASE_URL) stack.use(await applyDatabaseSecret(k, secretName, env.LAB_CODE_QUEUE_DATABASE_URL));
    const image = config.raw.UNIDESK_CI_PERF_IMAGE;
    const svc = stack.use(
      await deployReadService(k, { runId: config.runId, image, databaseSecret: secretName, proxyUrl: config.proxy.url, registry: config.registry }, { timeoutMs: config.waitMs }),
    );
    return { transport: svc.transport, target: image, [Symbol.asyncDispose]: () => stack.disposeAsync() };
  } catch (e) {
    await stack.disposeAsync().catch(() => undefined);
    throw e;
  }
}

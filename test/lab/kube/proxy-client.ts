// Child process of proxy.test.ts: started with HTTP(S)_PROXY/ALL_PROXY (both cases) pointing at
// the lab's tinyproxy and NODE_USE_ENV_PROXY=1. First a control request with Node's global fetch
// (which honours those variables), then the harness client's calls; prints one JSON line.
import { applyObject, connectKube, serviceProxyRequest } from '../../../harness/kube/index.ts';

const [server, kubeconfig] = process.argv.slice(2) as [string, string];
const control = await fetch(`${server}/version?control=1`).then(
  (r) => r.status,
  (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
);
const kube = connectKube({ kubeconfig, runId: 'proxytest', log: () => undefined });
const listed = (await kube.core.listNamespace()).items.length;
const applied = (await applyObject(kube, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'via-harness', namespace: 'unidesk-ci' } })).outcome;
const proxied = (await serviceProxyRequest(kube, { namespace: 'unidesk-ci', service: 'echo' }, { path: '/hello' })).status;
console.log(JSON.stringify({ control, listed, applied, proxied }));

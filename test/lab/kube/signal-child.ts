// Child process of signals.test.ts: creates its run namespace with one object, says "ready", then
// waits to be signalled. Its SIGINT/SIGTERM handler must tear the namespace down.
import { applyObject, connectKube, createRunNamespace, refOf } from '../../../harness/kube/index.ts';

const [kubeconfig, runId, reportDir] = process.argv.slice(2) as [string, string, string];
const kube = connectKube({ kubeconfig, runId, log: (l) => console.log(l) });
const ns = await createRunNamespace(kube, { reportDir, waitMs: 30_000 });
const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'work', namespace: ns.name } };
await applyObject(kube, cm);
ns.track(refOf(cm));
console.log('ready');
setInterval(() => undefined, 1000);

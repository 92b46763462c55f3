// Benchmark of the cluster double, driven through @kubernetes/client-node like the gates:
//  1. applying 100 mixed objects by server-side apply (target ≤ 200 ms), next to re-applying the
//     same objects (no-op) and creating them with plain POSTs, measured in the same run;
//  2. watch latency from sending a write to receiving its event, next to the write's own round
//     trip and a plain GET round trip.
// Prints medians and ratios. Run: npm run bench:cluster [-- --rounds 7]
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { startClusterDouble } from '../fixtures/lab/cluster/index.ts';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

function mixedObjects(ns: string): k8s.KubernetesObject[] {
  const out: object[] = [];
  for (let i = 0; i < 100; i++) {
    const name = `obj-${i}`;
    const metadata = { name, namespace: ns, labels: { 'unidesk.ai/ci-run': 'bench', n: String(i) } };
    switch (i % 6) {
      case 0: out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { key: `value-${i}`, other: 'x'.repeat(200) } }); break;
      case 1: out.push({ apiVersion: 'v1', kind: 'Secret', metadata, stringData: { token: `t-${i}` } }); break;
      case 2: out.push({ apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }); break;
      case 3:
        out.push({
          apiVersion: 'apps/v1', kind: 'Deployment', metadata,
          spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: `bench/app:${i}`, env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 8080 }] }] } } },
        });
        break;
      case 4: out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] }); break;
      default: out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata });
    }
  }
  // typed objects: KubernetesObjectApi serializes known kinds through client-node's models
  return out.map((o) => k8s.loadYaml<k8s.KubernetesObject>(stringify(o)));
}

async function main(): Promise<void> {
  await using double = await startClusterDouble({ namespaceFinalizeDelayMs: 0 });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(double.kubeconfigPath);
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apply = (objs: k8s.KubernetesObject[]) => Promise.all(objs.map((o) => api.patch(o, undefined, undefined, 'bench', true, k8s.PatchStrategy.ServerSideApply)));

  // warm-up: discovery caches, validators loaded, JIT
  await core.createNamespace({ body: { metadata: { name: 'warm' } } });
  await apply(mixedObjects('warm'));
  for (const o of mixedObjects('warm')) await api.create({ ...o, metadata: { ...o.metadata, name: `${o.metadata!.name}-w` } }).catch(() => undefined);

  const fresh: number[] = [];
  const noop: number[] = [];
  const post: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const ns = `bench-${r}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const objs = mixedObjects(ns);
    let t = performance.now();
    await apply(objs);
    fresh.push(performance.now() - t);
    t = performance.now();
    await apply(objs);
    noop.push(performance.now() - t);
    const ns2 = `bench-post-${r}`;
    await core.createNamespace({ body: { metadata: { name: ns2 } } });
    const posts = mixedObjects(ns2);
    t = performance.now();
    await Promise.all(posts.map((o) => api.create(o)));
    post.push(performance.now() - t);
    process.stdout.write(`round ${r + 1}/${rounds}\r`);
  }

  // watch latency: write response → event on an open watch, vs a GET round trip
  await core.createNamespace({ body: { metadata: { name: 'watch' } } });
  await core.createNamespacedConfigMap({ namespace: 'watch', body: { metadata: { name: 'w' }, data: { i: '0' } } });
  const waiting = new Map<string, (t: number) => void>();
  const ac = await new k8s.Watch(kc).watch('/api/v1/namespaces/watch/configmaps', {}, (_type, o: k8s.V1ConfigMap) => waiting.get(o.data?.i ?? '')?.(performance.now()), () => undefined);
  const watchLatency: number[] = [];
  const writeRtt: number[] = [];
  const getRtt: number[] = [];
  for (let i = 1; i <= 200; i++) {
    const seen = new Promise<number>((res) => waiting.set(String(i), res));
    const t0 = performance.now();
    await core.patchNamespacedConfigMap({ namespace: 'watch', name: 'w', body: { data: { i: String(i) } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    writeRtt.push(performance.now() - t0);
    watchLatency.push((await seen) - t0);
    const g = performance.now();
    await core.readNamespacedConfigMap({ namespace: 'watch', name: 'w' });
    getRtt.push(performance.now() - g);
  }
  ac.abort();

  const f = median(fresh);
  console.log(`\ncluster double benchmark (${rounds} rounds, medians; Node ${process.version})`);
  console.log(`  SSA apply, 100 mixed objects, creating : ${ms(f)}  (target ≤ 200 ms: ${f <= 200 ? 'met' : 'MISSED'})`);
  console.log(`  SSA re-apply, same 100 objects (no-op) : ${ms(median(noop))}  (${(median(noop) / f).toFixed(2)}× the creating apply)`);
  console.log(`  POST create, 100 mixed objects         : ${ms(median(post))}  (SSA/POST = ${(f / median(post)).toFixed(2)}×)`);
  const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
  console.log(`  watch latency, write sent → event      : ${ms(median(watchLatency))}  (p90 ${ms(p90(watchLatency))})`);
  console.log(`  write round trip (PATCH → response)    : ${ms(median(writeRtt))}  (watch latency / write RTT = ${(median(watchLatency) / median(writeRtt)).toFixed(2)}×)`);
  console.log(`  GET round trip, same object            : ${ms(median(getRtt))}  (watch latency / GET = ${(median(watchLatency) / median(getRtt)).toFixed(2)}×)`);
}

await main();

// Benchmark of the cluster double, driven through @kubernetes/client-node like the gates, with
// the double in this process and (as in the lab, where gates run apart from it) in a child:
//  1. applying 100 mixed objects by server-side apply (target ≤ 200 ms), next to re-applying the
//     same objects (no-op) and creating them with plain POSTs, measured in the same run;
//  2. watch latency from sending a write to receiving its event, next to the write's own round
//     trip and a plain GET round trip.
// Prints medians and ratios. Run: npm run bench:cluster [-- --rounds 7]
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { spawnClusterDouble } from '../fixtures/lab/cluster/child.ts';
import { startClusterDouble } from '../fixtures/lab/cluster/index.ts';
import { median } from './support.ts';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

function mixedObjects(ns: string): k8s.KubernetesObject[] {
  const out: object[] = [];
  for (let i = 0; i < 100; i++) {
    const name = `obj-${i}`;
    const metadata = { name, namespace: ns, labels: { 'unidesk.ai/ci-run': 'bench', n: String(i) } };
    switch (i % 6) {
      case 0:
        out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { key: `value-${i}`, other: 'x'.repeat(200) } });
        break;
      case 1:
        out.push({ apiVersion: 'v1', kind: 'Secret', metadata, stringData: { token: `t-${i}` } });
        break;
      case 2:
        out.push({ apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
        break;
      case 3:
        out.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata,
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: `bench/app:${i}`, env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 8080 }] }] } },
          },
        });
        break;
      case 4:
        out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] });
        break;
      default:
        out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata });
    }
  }
  // typed objects: KubernetesObjectApi serializes known kinds through client-node's models
  return out.map((o) => k8s.loadYaml<k8s.KubernetesObject>(stringify(o)));
}

type Result = { fresh: number[]; noop: number[]; post: number[]; watch: number[]; write: number[]; get: number[] };

async function measure(kubeconfigPath: string, label: string): Promise<Result> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apply = (objs: k8s.KubernetesObject[]) => Promise.all(objs.map((o) => api.patch(o, undefined, undefined, 'bench', true, k8s.PatchStrategy.ServerSideApply)));
  const res: Result = { fresh: [], noop: [], post: [], watch: [], write: [], get: [] };

  // warm-up: discovery caches, validators loaded, JIT
  await core.createNamespace({ body: { metadata: { name: 'warm' } } });
  await apply(mixedObjects('warm'));
  for (let r = 0; r < rounds; r++) {
    process.stdout.write(`${label}: round ${r + 1}/${rounds}\r`);
    await core.createNamespace({ body: { metadata: { name: `bench-${r}` } } });
    const objs = mixedObjects(`bench-${r}`);
    let t = performance.now();
    await apply(objs);
    res.fresh.push(performance.now() - t);
    t = performance.now();
    await apply(objs);
    res.noop.push(performance.now() - t);
    await core.createNamespace({ body: { metadata: { name: `bench-post-${r}` } } });
    const posts = mixedObjects(`bench-post-${r}`);
    t = performance.now();
    await Promise.all(posts.map((o) => api.create(o)));
    res.post.push(performance.now() - t);
  }

  await core.createNamespace({ body: { metadata: { name: 'watch' } } });
  await core.createNamespacedConfigMap({ namespace: 'watch', body: { metadata: { name: 'w' }, data: { i: '0' } } });
  const waiting = new Map<string, (t: number) => void>();
  const ac = await new k8s.Watch(kc).watch(
    '/api/v1/namespaces/watch/configmaps',
    {},
    (_type, o: k8s.V1ConfigMap) => waiting.get(o.data?.i ?? '')?.(performance.now()),
    () => undefined,
  );
  for (let i = 1; i <= 200; i++) {
    const seen = new Promise<number>((r) => waiting.set(String(i), r));
    const t0 = performance.now();
    await core.patchNamespacedConfigMap({ namespace: 'watch', name: 'w', body: { data: { i: String(i) } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    res.write.push(performance.now() - t0);
    res.watch.push((await seen) - t0);
    const g = performance.now();
    await core.readNamespacedConfigMap({ namespace: 'watch', name: 'w' });
    res.get.push(performance.now() - g);
  }
  ac.abort();
  process.stdout.write(`${' '.repeat(40)}\r`);
  return res;
}

async function main(): Promise<void> {
  let inProcess: Result;
  {
    await using double = await startClusterDouble({ namespaceFinalizeDelayMs: 0 });
    inProcess = await measure(double.kubeconfigPath, 'in-process');
  }
  let child: Result;
  {
    await using double = await spawnClusterDouble();
    child = await measure(double.kubeconfigPath, 'child process');
  }
  const row = (name: string, key: keyof Result, note = (_a: number, _b: number) => '') => {
    const a = median(inProcess[key]);
    const b = median(child[key]);
    console.log(`  ${name.padEnd(44)} ${a.toFixed(1).padStart(8)} ms ${b.toFixed(1).padStart(8)} ms   ${note(a, b)}`);
  };
  // "<label>: x×, y×" per side: the median of `of` over this row's median (inverse: the other way round)
  const ratio =
    (label: string, of: keyof Result, inverse = false) =>
    (a: number, b: number) => {
      const r = (x: number, m: number) => (inverse ? x / m : m / x).toFixed(2);
      return `${label}: ${r(a, median(inProcess[of]))}×, ${r(b, median(child[of]))}×`;
    };
  console.log(`cluster double benchmark: ${rounds} rounds, medians, Node ${process.version}`);
  console.log(`  ${''.padEnd(44)} ${'in-process'.padStart(11)} ${'child'.padStart(11)}`);
  row('SSA apply, 100 mixed objects, creating', 'fresh', (a, b) => `target ≤ 200 ms: in-process ${a <= 200 ? 'met' : 'MISSED'}, child ${b <= 200 ? 'met' : 'MISSED'}`);
  row('SSA re-apply, same 100 objects (no-op)', 'noop', ratio('no-op/creating', 'fresh', true));
  row('POST create, 100 mixed objects', 'post', ratio('SSA/POST', 'fresh'));
  row('watch latency, write sent → event', 'watch', () => `p90 ${p90(inProcess.watch).toFixed(1)} / ${p90(child.watch).toFixed(1)} ms`);
  row('write round trip (merge PATCH)', 'write', ratio('watch/write', 'watch'));
  row('GET round trip, same object', 'get', ratio('watch/GET', 'watch'));
  console.log(`  child/in-process for the SSA apply: ${(median(child.fresh) / median(inProcess.fresh)).toFixed(2)}×`);
}

await main();

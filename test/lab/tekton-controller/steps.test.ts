// What a step sees and shows: its output as the container log through the pod log API (plain
// GET and follow, ending when the step ends), an environment with nothing of the lab process in
// it, secret/configMap workspaces and valueFrom env, and Kubernetes calls made with its
// KUBECONFIG passing the double's RBAC as the TaskRun's ServiceAccount.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TektonStep } from '../../../fixtures/lab/cluster/controllers/tekton/step-runner.ts';
import { raw, until } from '../cluster/support.ts';
import { create, finished, get, haveCrds, script, startTektonLab, succeeded, type Lab } from './support.ts';

/** What a kubelet adds to every container for the API server (in-cluster configuration). */
const KUBELET_ENV = ['KUBERNETES_PORT', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'KUBERNETES_SERVICE_PORT_HTTPS'];

let c: Lab;
const ns = 'tekton-steps';
const clientNode = createRequire(import.meta.url).resolve('@kubernetes/client-node');

// a step that reads a ConfigMap and a Secret with client-node and its KUBECONFIG, printing the codes
const apiProbe = `
const k8s = await import(${JSON.stringify(clientNode)});
const kc = new k8s.KubeConfig();
kc.loadFromDefault();
const core = kc.makeApiClient(k8s.CoreV1Api);
for (const [kind, call] of [['configmap', () => core.readNamespacedConfigMap({ namespace: '${ns}', name: 'settings' })], ['secret', () => core.readNamespacedSecret({ namespace: '${ns}', name: 'token' })]]) {
  try { await call(); console.log(kind, 200); } catch (e) { console.log(kind, e.code); }
}
`;

beforeAll(async () => {
  c = await startTektonLab(ns);
  await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'settings' }, data: { mode: 'lab', 'nested.txt': 'n' } } });
  await c.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'token' }, stringData: { username: 'ci', password: 'p4ss' } } });
  await c.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'runner' } } });
  await c.rbac.createNamespacedRole({ namespace: ns, body: { metadata: { name: 'read-configmaps' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] } });
  await c.rbac.createNamespacedRoleBinding({
    namespace: ns,
    body: {
      metadata: { name: 'runner' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
      subjects: [{ kind: 'ServiceAccount', name: 'runner', namespace: ns }],
    },
  });
});
afterAll(() => c?.double.stop());

describe.skipIf(!haveCrds())('steps', () => {
  test('step output is the container log: plain GET and a follow that ends with the step', async () => {
    await create(c, 'taskruns', {
      metadata: { name: 'talk' },
      spec: { taskSpec: { steps: [script('wait', 'sleep 0.5; echo ready'), script('talk', 'for i in 1 2 3; do echo "line $i"; sleep 0.2; done')] } },
    });
    // as in Tekton, step-talk's container runs (waiting in its entrypoint) while step-wait works
    await until(async () => (await get(c, 'taskruns', 'talk')).status?.steps?.[0]?.running, 'the pod to start', 20_000);
    const res = await raw(c.kc, 'GET', `/api/v1/namespaces/${ns}/pods/talk-pod/log?container=step-talk&follow=true`);
    expect(res.status).toBe(200);
    expect((await get(c, 'taskruns', 'talk')).status!.steps[1].terminated).toBeUndefined();
    expect(await res.text()).toBe('line 1\nline 2\nline 3\n');
    const tr = await finished(c, 'taskruns', 'talk');
    expect(succeeded(tr)).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'All Steps have completed executing' });
    expect(await c.core.readNamespacedPodLog({ namespace: ns, name: 'talk-pod', container: 'step-wait' })).toBe('ready\n');
  });

  test("env: only the step's own plus PATH, HOME and KUBECONFIG; valueFrom and workspaces from Secrets/ConfigMaps", async () => {
    await create(c, 'taskruns', {
      metadata: { name: 'env' },
      spec: {
        workspaces: [
          { name: 'creds', secret: { secretName: 'token' } },
          { name: 'conf', configMap: { name: 'settings', items: [{ key: 'mode', path: 'sub/mode' }] } },
          { name: 'scratch', emptyDir: {}, subPath: 'deep/er' },
        ],
        taskSpec: {
          workspaces: [{ name: 'creds' }, { name: 'conf' }, { name: 'scratch' }, { name: 'absent', optional: true }],
          steps: [
            script(
              'show',
              'env | cut -d= -f1 | sort | tr "\\n" " "; echo; cat "$(workspaces.creds.path)/username"; echo; cat "$(workspaces.conf.path)/sub/mode"; echo; echo "$MODE $(workspaces.absent.bound) [$(workspaces.absent.path)]"; echo "$(workspaces.scratch.path)"; test -d "$(workspaces.scratch.path)"',
              {
                env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }],
              },
            ),
          ],
        },
      },
    });
    const tr = await finished(c, 'taskruns', 'env');
    expect(succeeded(tr)).toMatchObject({ status: 'True' });
    const [names, user, mode, last, scratch] = (await c.core.readNamespacedPodLog({ namespace: ns, name: 'env-pod', container: 'step-show' })).split('\n');
    expect(scratch).toBe(join(c.double.dir, 'tekton', ns, 'env', 'workspaces', 'scratch', 'deep', 'er'));
    expect(
      names
        .trim()
        .split(' ')
        .filter((n) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(n)),
    ).toEqual(['HOME', 'KUBECONFIG', ...KUBELET_ENV, 'MODE', 'PATH']);
    expect([user, mode, last]).toEqual(['ci', 'lab', 'lab false []']);
  });

  test('a runner gets the step as substituted, its volumeMounts mapped to lab directories; the pod shows them', async () => {
    const seen: TektonStep[] = [];
    c.runners.unshift({ image: /^lab\.test\/capture:/, run: async (step) => (seen.push(step), { exitCode: 0 }) });
    await create(c, 'taskruns', {
      metadata: { name: 'mounts' },
      spec: {
        serviceAccountName: 'runner',
        params: [{ name: 'flags', value: ['-a', '-b'] }],
        taskSpec: {
          params: [{ name: 'flags', type: 'array' }],
          volumes: [{ name: 'cache', emptyDir: {} }],
          stepTemplate: { env: [{ name: 'FROM_TEMPLATE', value: '$(context.taskRun.name)' }] },
          steps: [
            {
              name: 'build',
              image: 'lab.test/capture:1',
              command: ['build'],
              args: ['$(params.flags[*])', 'end'],
              workingDir: '/src',
              volumeMounts: [{ name: 'cache', mountPath: '/var/lib/containers', subPath: 'storage' }],
            },
          ],
        },
      },
    });
    expect(succeeded(await finished(c, 'taskruns', 'mounts'))).toMatchObject({ status: 'True' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      namespace: ns,
      taskRun: 'mounts',
      pod: 'mounts-pod',
      container: 'step-build',
      name: 'build',
      image: 'lab.test/capture:1',
      command: ['build'],
      args: ['-a', '-b', 'end'],
      workingDir: '/src',
      serviceAccount: { namespace: ns, name: 'runner' },
    });
    expect(Object.keys(seen[0].env).sort()).toEqual(['FROM_TEMPLATE', 'KUBECONFIG', ...KUBELET_ENV]);
    expect(seen[0].env.FROM_TEMPLATE).toBe('mounts');
    expect(seen[0].volumeMounts).toEqual([{ name: 'cache', mountPath: '/var/lib/containers', path: join(c.double.dir, 'tekton', ns, 'mounts', 'volumes', 'cache', 'storage') }]);
    expect(existsSync(seen[0].volumeMounts![0].path)).toBe(true);
    const pod = await c.core.readNamespacedPod({ namespace: ns, name: 'mounts-pod' });
    expect(pod.spec!.volumes).toEqual([{ name: 'cache', emptyDir: {} }]);
    expect(pod.spec!.containers[0].volumeMounts).toEqual([{ name: 'cache', mountPath: '/var/lib/containers', subPath: 'storage' }]);
  });

  test("a step's Kubernetes calls are made as the TaskRun's ServiceAccount and pass RBAC", async () => {
    const probe = { steps: [script('probe', `"${process.execPath}" --input-type=module -e '${apiProbe.replaceAll("'", "'\\''")}'`)] };
    await create(c, 'pipelineruns', { metadata: { name: 'as-runner' }, spec: { taskRunTemplate: { serviceAccountName: 'runner' }, pipelineSpec: { tasks: [{ name: 'probe', taskSpec: probe }] } } });
    await create(c, 'pipelineruns', { metadata: { name: 'as-default' }, spec: { pipelineSpec: { tasks: [{ name: 'probe', taskSpec: probe }] } } });
    for (const pr of ['as-runner', 'as-default']) expect(succeeded(await finished(c, 'pipelineruns', pr))).toMatchObject({ status: 'True' });
    expect(await c.core.readNamespacedPodLog({ namespace: ns, name: 'as-runner-probe-pod', container: 'step-probe' })).toBe('configmap 200\nsecret 403\n');
    expect(await c.core.readNamespacedPodLog({ namespace: ns, name: 'as-default-probe-pod', container: 'step-probe' })).toBe('configmap 403\nsecret 403\n');
    expect((await c.core.readNamespacedPod({ namespace: ns, name: 'as-runner-probe-pod' })).spec!.serviceAccountName).toBe('runner');
    const users = c.double
      .requests()
      .filter((r) => r.path.startsWith(`/api/v1/namespaces/${ns}/secrets/token`))
      .map((r) => `${r.user} ${r.code}`);
    expect(users.sort()).toEqual([`system:serviceaccount:${ns}:default 403`, `system:serviceaccount:${ns}:runner 403`]);
  });
});

// The install gate's binding step end to end, against one running lab (UNIDESK_CI_LAB_EXTERNAL):
// an admin's extra ClusterRoleBinding granting the runner a foreign ClusterRole that lists Secrets
// fails the gate at that step as infra.cluster, naming binding, role and rule. The same step
// passing on a correct installation, and what it judged, is install.test.ts's healthy run.
import * as k8s from '@kubernetes/client-node';
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { loadKubeConfig } from '../../harness/kube/index.ts';
import { runGate, type GateRun } from '../../harness/report/junit-gate-run.ts';
import { GATE_SERVICES, startLab } from '../../fixtures/lab/index.ts';

const STEP = 'every Role and ClusterRole bound to the runner, by anyone in any namespace, grants only what k3s/ci grants (read only)';
const RBAC = 'rbac.authorization.k8s.io';
let lab: Awaited<ReturnType<typeof startLab>> | undefined;
const dirs: string[] = [];
afterAll(async () => {
  await lab?.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function installGate(): Promise<GateRun> {
  const run = await runGate({ gate: 'install', env: { ...lab!.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', UNIDESK_CI_APPLY_MANIFESTS: '1' }, timeoutMs: 600_000 });
  dirs.push(run.reportDir);
  return run;
}

describe('install gate: grants to the runner beyond k3s/ci', () => {
  test('an extra ClusterRoleBinding fails the binding step naming it', { timeout: 1_500_000 }, async () => {
    lab = await startLab({ services: GATE_SERVICES.install, log: () => undefined });
    const rbac = loadKubeConfig({ kubeconfig: lab.env.UNIDESK_CI_KUBECONFIG }).makeApiClient(k8s.RbacAuthorizationV1Api);
    await rbac.createClusterRole({ body: { metadata: { name: 'lab-secret-lister' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] } });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'lab-extra-runner-grant' },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'lab-secret-lister' },
        subjects: [{ kind: 'ServiceAccount', name: 'unidesk-ci-runner', namespace: 'unidesk-ci' }],
      },
    });

    const bad = await installGate();
    const step = bad.steps.find((s) => s.name === STEP);
    expect(step, bad.output).toMatchObject({ status: 'failed', failureClass: 'infra.cluster' });
    expect(step!.message).toContain(
      'ClusterRoleBinding lab-extra-runner-grant (subject ServiceAccount unidesk-ci/unidesk-ci-runner) → ClusterRole lab-secret-lister: rules[0] grants list secrets — a binding k3s/ci does not make; policy: it grants secrets without resourceNames',
    );
    // the steps before it passed: the grant is invisible to the access reviews of the named namespaces
    for (const s of bad.steps.slice(0, bad.steps.indexOf(step!))) expect(s.status, `${s.name}: ${s.message}`).toBe('passed');
    expect(bad.exitCode).not.toBe(0);
  });
});

import { describe, expect, test } from 'vitest';
import { setupStepsFor } from '../../suites/global-setup.ts';
import { janitor } from '../../suites/setup-steps.ts';

describe('global setup steps per gate', () => {
  test('the commit and artifact gates skip the Kubernetes setup steps unless manifests are to be applied', async () => {
    for (const gate of ['commit', 'artifact'] as const) {
      expect(await setupStepsFor(gate, false)).toEqual([]);
      expect((await setupStepsFor(gate, true)).length).toBeGreaterThan(0);
    }
  });
  test('gates that use the cluster get them', async () => {
    for (const gate of ['install', 'perf', 'dev-e2e'] as const) expect((await setupStepsFor(gate, false)).length).toBeGreaterThan(0);
  });
  test('the janitor runs first for every gate that loads them (perf too: its leftovers block later perf runs)', async () => {
    for (const gate of ['install', 'perf', 'dev-e2e'] as const) expect((await setupStepsFor(gate, false))[0]).toBe(janitor);
    expect((await setupStepsFor('artifact', true))[0]).toBe(janitor);
  });
  test('the janitor needs no cluster for perf over a base URL, and does reach for one otherwise', async () => {
    const env = { UNIDESK_CI_KUBECONFIG: '/nonexistent/kubeconfig', UNIDESK_CI_RUN_ID: 'jan-unit', UNIDESK_CI_PERF_BASE_URL: 'http://127.0.0.1:9' };
    await expect(janitor({ gate: 'perf', env: { ...env, UNIDESK_CI_PERF_TRANSPORT: 'direct' }, ciEnv: {} })).resolves.toBeUndefined();
    await expect(janitor({ gate: 'perf', env: { ...env, UNIDESK_CI_PERF_TRANSPORT: 'cluster' }, ciEnv: {} })).rejects.toThrow(/kubeconfig/i);
  });
});

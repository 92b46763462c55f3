import { describe, expect, test } from 'vitest';
import { setupStepsFor } from '../../suites/global-setup.ts';

describe('global setup steps per gate', () => {
  test('the commit gate skips the Kubernetes setup steps unless manifests are to be applied', async () => {
    expect(await setupStepsFor('commit', false)).toEqual([]);
    expect((await setupStepsFor('commit', true)).length).toBeGreaterThan(0);
  });
  test('gates that use the cluster get them', async () => {
    for (const gate of ['install', 'artifact', 'perf', 'dev-e2e'] as const) expect((await setupStepsFor(gate, false)).length).toBeGreaterThan(0);
  });
});

// harness/gates.ts is the one list of gates: every other place that names, orders or groups gates
// derives from it, and no source file writes a list of gate names again.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import config from '../../vitest.config.ts';
import { discoverGates, selectGates } from '../../harness/cli/gates.ts';
import { VARIABLES } from '../../harness/config.ts';
import { GATES, gateSpec, gatesWhere } from '../../harness/gates.ts';
import { gateOfStep, stepsOf } from '../../harness/kube/policy.ts';
import { REPO_ROOT } from '../../harness/tekton/index.ts';
import { GATE_SERVICES } from '../../fixtures/lab/index.ts';
import { KUBERNETES_FREE_GATES } from '../../suites/global-setup.ts';
import { LAB_APPLY_GATES, RUN_NAMESPACE_GATES } from '../../suites/setup-steps.ts';
import { k3sCiObjects } from './manifests-support.ts';

/** Copies in files other helpers own, still to be derived from the registry (then drop them here). */
const NOT_YET_DERIVED: string[] = [];

describe('the gate registry', () => {
  test('the Vitest gate projects, the CLI choices and run order, UNIDESK_CI_GATE and the lab are the registry', () => {
    const projects = (config.test?.projects ?? []).map((p) => (p as { test: { name: string; include: string[] } }).test);
    expect(projects.filter((p) => p.include[0].startsWith('suites/'))).toEqual(GATES.map((g) => expect.objectContaining({ name: g, include: [`suites/${g}/**/*.test.ts`] })));
    expect(discoverGates()).toEqual(GATES);
    expect(selectGates([...GATES].reverse())).toEqual(GATES);
    expect(selectGates([])).toEqual(GATES.filter((g) => !gateSpec(g).manual));
    expect(() => selectGates(['nope'])).toThrow(`gates are ${GATES.join(', ')}`);
    for (const g of GATES) expect(VARIABLES.UNIDESK_CI_GATE.schema.safeParse(g).success).toBe(true);
    expect(VARIABLES.UNIDESK_CI_GATE.schema.safeParse('nope').success).toBe(false);
    expect(GATE_SERVICES).toEqual(Object.fromEntries(GATES.map((g) => [g, gateSpec(g).lab])));
  });

  test('global setup groups gates by the registry', () => {
    expect(KUBERNETES_FREE_GATES).toEqual(gatesWhere((s) => !s.cluster));
    expect(RUN_NAMESPACE_GATES).toEqual(gatesWhere((s) => s.runNamespace));
    expect(LAB_APPLY_GATES).toEqual(gatesWhere((s) => s.lab.includes('tekton')));
  });

  test("each gate's Task in k3s/ci runs that gate, and no other Task runs one", async () => {
    const tasks = (await k3sCiObjects()).filter((o) => o.kind === 'Task');
    const ranBy = new Map(tasks.flatMap((t) => stepsOf(t).map(({ step }) => [gateOfStep(step), t.metadata.name] as const)).filter(([g]) => g));
    expect(Object.fromEntries(ranBy)).toEqual(Object.fromEntries(GATES.filter((g) => gateSpec(g).task).map((g) => [g, gateSpec(g).task])));
  });

  test('no other source file lists gate names', () => {
    const names = GATES.map((g) => `'${g}'`).join('|');
    const array = new RegExp(`\\[\\s*(?:${names})\\s*,\\s*(?:${names})`);
    // an array literal holding two or more gate names, or an object literal keyed by gates
    const listsGates = (text: string) => array.test(text) || (/^\s*install:/m.test(text) && /^\s*'dev-e2e':/m.test(text));
    const files = ['vitest.config.ts', ...['harness', 'suites', 'fixtures', 'bench'].flatMap((d) => readdirSync(join(REPO_ROOT, d), { recursive: true }).map((f) => join(d, String(f))))];
    const copies = files.filter((f) => f.endsWith('.ts') && f !== join('harness', 'gates.ts') && listsGates(readFileSync(join(REPO_ROOT, f), 'utf8')));
    expect(copies.sort()).toEqual(NOT_YET_DERIVED);
  });
});

// The gates, once. Everything that names, counts or orders gates derives from this table: the Gate
// type and UNIDESK_CI_GATE (config.ts), the Vitest projects (vitest.config.ts), the CLI's choices,
// run order and summary (cli/gates.ts), global setup's steps and the lab each gate gets (fixtures/lab).
// Keys are in run order (seed: install, the commit checks, artifact publication, performance, the
// manual dev e2e smoke). A gate's steps are suites/<gate>/*.test.ts; its Vitest project is <gate>.

/** Lab services by role: fixtures/lab maps them to what it starts (the harness never imports fixtures). */
export type LabServiceName = 'proxy' | 'git' | 'registry' | 'postgres' | 'cluster' | 'tekton';

export type GateSpec = {
  /** What its lab provides, in start order. */
  readonly lab: readonly LabServiceName[];
  /** Its steps call the Kubernetes API: global setup loads the Kubernetes steps (janitor, apply, namespace). */
  readonly cluster: boolean;
  /** It gets a run namespace unidesk-ci-e2e-<run-id> (creating one needs namespace rights). */
  readonly runNamespace: boolean;
  /** Seed: "the manual dev desired-state smoke": it runs only when named. */
  readonly manual: boolean;
  /** The k3s/ci Task whose step runs it; none: `unidesk-ci install` runs it where it is typed. */
  readonly task?: string;
};

export const GATE_SPECS = {
  // registry: the install gate prewarms into the lab's containerd from the lab's mirror
  install: { lab: ['proxy', 'registry', 'cluster', 'tekton'], cluster: true, runNamespace: true, manual: false },
  commit: { lab: ['proxy', 'git'], cluster: false, runNamespace: false, manual: false, task: 'unidesk-ci-repo-check' },
  // a CI producer: it must not touch the cluster at all
  artifact: { lab: ['proxy', 'git', 'registry', 'cluster'], cluster: false, runNamespace: false, manual: false, task: 'unidesk-ci-backend-core-artifact' },
  perf: { lab: ['proxy', 'postgres', 'cluster', 'tekton'], cluster: true, runNamespace: false, manual: false, task: 'unidesk-ci-perf' },
  'dev-e2e': { lab: ['proxy', 'git', 'registry', 'postgres', 'cluster', 'tekton'], cluster: true, runNamespace: true, manual: true, task: 'unidesk-ci-dev-e2e' },
} as const satisfies Record<string, GateSpec>;

export type Gate = keyof typeof GATE_SPECS;
/** Every gate, in run order. */
export const GATES = Object.keys(GATE_SPECS) as [Gate, ...Gate[]];

export function gateSpec(gate: Gate): GateSpec {
  return GATE_SPECS[gate];
}

/** The gates whose spec satisfies `test`, in run order. */
export function gatesWhere(test: (spec: GateSpec) => boolean): Gate[] {
  return GATES.filter((g) => test(GATE_SPECS[g]));
}

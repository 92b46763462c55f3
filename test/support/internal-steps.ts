// The steps of gate runs that ended `internal` (a harness error, "please report"): a gate's known
// failures (bad revision, auth, a failing check, a slow endpoint...) must each have their class.
import type { GateRun } from '../../harness/report/junit-gate-run.ts';

export function internalSteps(runs: readonly GateRun[]): string[] {
  return runs.flatMap((r) => r.steps.filter((s) => s.failureClass === 'internal').map((s) => `${r.gate} › ${s.name}: ${s.message ?? '(no message)'}`));
}

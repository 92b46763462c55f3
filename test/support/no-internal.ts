// Setup file of the gates project: every test that runs a gate (each gate's failure tests above
// all) fails when any step of those runs was classified `internal`, whatever the test asserts.
import { afterEach, beforeEach } from 'vitest';
import { gateRunObservers, type GateRun } from '../../harness/report/junit-gate-run.ts';
import { internalSteps } from './internal-steps.ts';

let runs: GateRun[] = [];
gateRunObservers.add((run) => runs.push(run));
beforeEach(() => {
  runs = [];
});
afterEach(() => {
  const internal = internalSteps(runs);
  if (internal.length) throw new Error(`a gate step ended as a harness error (internal) instead of a known failure class:\n${internal.join('\n')}`);
});

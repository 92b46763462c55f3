import { describe, expect, it } from 'vitest';
import type { GateRun, StepSummary } from '../../harness/report/junit-gate-run.ts';
import { internalSteps } from '../support/internal-steps.ts';

const run = (gate: GateRun['gate'], steps: Partial<StepSummary>[]): GateRun =>
  ({ gate, exitCode: 1, output: '', reportDir: '', junitPath: '', steps: steps.map((s) => ({ name: 'step', status: 'failed', properties: {}, ...s })), durationMs: 0 }) as GateRun;

describe('gate runs checked for internal (test/support/no-internal.ts)', () => {
  it('names each step of each run that ended internal', () => {
    const runs = [
      run('commit', [
        { name: 'resolve revision', failureClass: 'input' },
        { name: 'install', failureClass: 'internal', message: 'TypeError: x is undefined' },
      ]),
      run('perf', [{ name: 'discover', failureClass: 'internal' }]),
    ];
    expect(internalSteps(runs)).toEqual(['commit › install: TypeError: x is undefined', 'perf › discover: (no message)']);
  });

  it('passes runs whose failures all have a known class', () => {
    expect(internalSteps([run('artifact', [{ failureClass: 'infra.registry' }, { status: 'skipped' }]), run('install', [{ status: 'passed' }])])).toEqual([]);
  });
});

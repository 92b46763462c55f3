import { describe, expect, test } from 'vitest';
import { onlyGate } from '../../vitest.config.ts';

describe('the JUnit file of a single-gate invocation', () => {
  test.each([
    [['vitest', 'run', '--project', 'commit'], 'commit'],
    [['vitest', 'run', '--project=perf'], 'perf'],
    [['vitest', 'run', 'suites/commit'], 'commit'],
    [['vitest', 'run', './suites/dev-e2e/x.test.ts', '--project', 'dev-e2e'], 'dev-e2e'],
    [['vitest', 'run', '--project', 'unit', '--project', 'gates'], undefined],
    [['vitest', 'run', '--project', 'commit', '--project', 'perf'], undefined],
    [['vitest', 'run'], undefined],
  ])('%j → %s', (argv, gate) => {
    expect(onlyGate(argv)).toBe(gate);
  });
});

import { defineConfig } from 'vitest/config';
import { GATES } from './harness/gates.ts';

// One Vitest project per gate, plus the project's own tests. Reporters/outputFile are root-only
// in Vitest, so each gate runs as its own invocation with --outputFile.junit=reports/junit/<gate>.xml
// (the CLI does that); `npm test` writes reports/junit/test.xml. A plain `vitest run --project
// <gate>` (or `vitest run suites/<gate>`), as a Tekton step calls it, writes
// $UNIDESK_CI_REPORT_DIR/junit/<gate>.xml by itself. The gates are harness/gates.ts's.

/** The single gate this invocation runs, read from --project / suites/<gate> arguments. */
export function onlyGate(argv: readonly string[] = process.argv): string | undefined {
  const picked = new Set<string>();
  argv.forEach((a, i) => {
    const project = a === '--project' ? argv[i + 1] : a.startsWith('--project=') ? a.slice(10) : undefined;
    if (project) picked.add(project);
    const path = /^(?:\.\/)?suites\/([\w-]+)/.exec(a)?.[1];
    if (path && !a.startsWith('-')) picked.add(path);
  });
  const [only] = picked;
  return picked.size === 1 && (GATES as readonly string[]).includes(only) ? only : undefined;
}
const junitFile = `${process.env.UNIDESK_CI_REPORT_DIR || 'reports'}/junit/${onlyGate() ?? 'test'}.xml`;
const gate = (name: string) => ({
  test: {
    name,
    include: [`suites/${name}/**/*.test.ts`],
    globalSetup: ['suites/global-setup.ts'],
    // steps of a gate are ordered and share state: one file at a time, in order
    fileParallelism: false,
    sequence: { concurrent: false },
    // the harness's own `[gate : step] ...` lines reach the console and the Tekton step log as
    // they are, one clean line each (no `stdout | file > test` header per line)
    disableConsoleIntercept: true,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});

export default defineConfig({
  test: {
    reporters: ['default', 'junit'],
    outputFile: { junit: junitFile },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'gates',
          include: ['test/gates/**/*.test.ts'],
          // every gate run a test makes, failure tests above all, must end in a known class
          setupFiles: ['test/support/no-internal.ts'],
          // each test runs whole gates as child processes: keep the 2-core machines unsaturated
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
      ...GATES.map(gate),
    ],
  },
});

import { defineConfig } from 'vitest/config';

// One Vitest project per gate, plus the project's own tests. Reporters/outputFile are root-only
// in Vitest, so each gate runs as its own invocation with --outputFile.junit=reports/junit/<gate>.xml
// (the CLI does that); `npm test` writes reports/junit/test.xml.
const gate = (name: string) => ({
  test: {
    name,
    include: [`suites/${name}/**/*.test.ts`],
    globalSetup: ['suites/global-setup.ts'],
    // steps of a gate are ordered and share state: one file at a time, in order
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});

export default defineConfig({
  test: {
    reporters: ['default', 'junit'],
    outputFile: { junit: 'reports/junit/test.xml' },
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
          // each test runs whole gates as child processes: keep the 2-core machines unsaturated
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
      gate('install'),
      gate('commit'),
      gate('artifact'),
      gate('dev-e2e'),
      gate('perf'),
    ],
  },
});

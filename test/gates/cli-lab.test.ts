// The README's main command, `npx unidesk-ci run --lab`, end to end: its own lab up, CI installed
// into it (step image, k3s/ci, Secrets), the commit PipelineRun on the fixture's master, its logs,
// the summary and exit 0; the lab gone afterwards.
import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { runProcess } from '../../harness/process/run.ts';
import { childEnv, PROJECT_ROOT } from '../../harness/report/junit-gate-run.ts';
import { join } from 'node:path';

test('unidesk-ci run --lab: lab up, CI installed, the commit PipelineRun of master followed to Succeeded, exit 0', { timeout: 900_000 }, async () => {
  // no lab endpoints from outside: --lab starts its own
  const env = childEnv({
    UNIDESK_CI_LAB_EXTERNAL: undefined,
    UNIDESK_CI_REPO_URL: undefined,
    UNIDESK_CI_KUBECONFIG: undefined,
    UNIDESK_CI_REGISTRY: undefined,
    UNIDESK_CI_PROXY_URL: undefined,
    UNIDESK_CI_GIT_PASSWORD: undefined,
    UNIDESK_CI_GIT_USERNAME: undefined,
  });
  const r = await runProcess(process.execPath, [join(PROJECT_ROOT, 'harness/cli/bin.js'), 'run', '--lab'], { cwd: PROJECT_ROOT, env, tailLines: 100_000 });
  const out = r.tail;
  expect(r.exitCode, out).toBe(0);
  expect(out).toMatch(/lab ci: k3s\/ci applied \(\d+ created, \d+ changed, \d+ unchanged\)/);
  expect(out).toMatch(/^revision master is [0-9a-f]{40} \(refs\/heads\/master\)/m);
  const name = /^PipelineRun started: (unidesk-ci-commit-\S+)$/m.exec(out)?.[1];
  expect(name, out).toBeDefined();
  expect(out).toMatch(/^\[repo-check : commit-gate\] /m);
  expect(out).toContain(`PipelineRun ${name}: Succeeded`);
  expect(out).toMatch(/^ {2}exit 0$/m);
  const labDir = /lab: state in (\S+)/.exec(out)?.[1];
  expect(labDir).toBeDefined();
  expect(existsSync(labDir!)).toBe(false);
});

// The record step of repo-check and backend-core-artifact (harness/report/store/record-step.ts):
// its exit code, what it reads from the gate's JUnit, and its refusals. The step against a real
// store runs in test/gates/tekton-pipelines.test.ts.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { gateRunOf, readExitCode, recordStep, recordStepExit } from '../../harness/report/store/record-step.ts';

const JUNIT = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="1" failures="1" errors="0" time="2.5">
    <testsuite name="suites/commit/commit.test.ts" timestamp="2026-12-02T10:00:05.000Z" hostname="h" tests="1" failures="1" errors="0" skipped="0" time="2.5">
        <properties>
            <property name="unidesk.gate" value="commit"/>
            <property name="unidesk.run-id" value="r-abc123"/>
        </properties>
        <testcase classname="suites/commit/commit.test.ts" name="check" time="2.4">
            <properties><property name="unidesk.failure-class" value="app"/></properties>
            <failure message="check failed" type="CiError">x</failure>
        </testcase>
    </testsuite>
</testsuites>
`;

describe('record step', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'record-step-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test("exits with the gate step's code; 1 when only recording failed; 0 when both passed", () => {
    expect(recordStepExit(20, true)).toBe(20);
    expect(recordStepExit(1, false)).toBe(1);
    expect(recordStepExit(0, false)).toBe(1);
    expect(recordStepExit(0, true)).toBe(0);
  });

  test("the run id and start come from the gate's own JUnit", () => {
    expect(gateRunOf(JUNIT)).toEqual({ runId: 'r-abc123', startedAt: new Date('2026-12-02T10:00:05.000Z') });
  });

  test('an exit code file that is missing or not a number is an input error naming it', async () => {
    await expect(readExitCode(join(dir, 'nope'))).rejects.toMatchObject({ failureClass: 'input', message: expect.stringContaining(join(dir, 'nope')) });
    await writeFile(join(dir, 'exitCode'), 'oops');
    await expect(readExitCode(join(dir, 'exitCode'))).rejects.toMatchObject({ failureClass: 'input' });
    await writeFile(join(dir, 'exitCode'), '20\n');
    expect(await readExitCode(join(dir, 'exitCode'))).toBe(20);
  });

  test("without a store: nothing recorded, the Task results rewritten from the JUnit, the gate's exit code returned", async () => {
    await writeFile(join(dir, 'commit.xml'), JUNIT);
    await writeFile(join(dir, 'exitCode'), '1');
    const lines: string[] = [];
    const code = await recordStep(
      ['--gate', 'commit', '--junit', join(dir, 'commit.xml'), '--exit-code-file', join(dir, 'exitCode')],
      { UNIDESK_CI_RESULTS_DIR: join(dir, 'results'), UNIDESK_CI_REPORT_DIR: dir },
      (l) => lines.push(l),
    );
    expect(code).toBe(1);
    expect(await readFile(join(dir, 'results', 'failure-class'), 'utf8')).toBe('app');
    expect(lines).toEqual(['record step: not configured']);
  });

  test('a store that is down: the record step fails infra.network and says so in the Task results, the gate having passed', async () => {
    await writeFile(
      join(dir, 'commit.xml'),
      JUNIT.replace(/<failure[^]*?<\/failure>/, '')
        .replace('failures="1" errors="0" skipped', 'failures="0" errors="0" skipped')
        .replace('<property name="unidesk.failure-class" value="app"/>', ''),
    );
    await writeFile(join(dir, 'exitCode'), '0');
    const lines: string[] = [];
    const env = { UNIDESK_CI_RESULTS_DIR: join(dir, 'results'), UNIDESK_CI_REPORT_DIR: dir, UNIDESK_CI_METRICS_DATABASE_URL: 'postgres://ci:pw-secret-9@127.0.0.1:1/metrics' };
    const code = await recordStep(['--gate', 'commit', '--junit', join(dir, 'commit.xml'), '--exit-code-file', join(dir, 'exitCode')], env, (l) => lines.push(l));
    expect(code).toBe(1);
    expect(await readFile(join(dir, 'results', 'failure-class'), 'utf8')).toBe('infra.network');
    expect(lines.join('\n')).toMatch(/record step: \[infra\.network\]/);
    expect(lines.join('\n')).not.toContain('pw-secret-9');
  });

  test('an unknown gate or missing file arguments are input errors', async () => {
    await expect(recordStep(['--gate', 'deploy', '--junit', 'x', '--exit-code-file', 'y'], {}, () => undefined)).rejects.toMatchObject({ failureClass: 'input' });
    await expect(recordStep(['--gate', 'commit'], {}, () => undefined)).rejects.toMatchObject({ failureClass: 'input' });
  });
});

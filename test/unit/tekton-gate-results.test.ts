// The Task results a gate writes for Tekton (`commit`, `failure-class`) follow its JUnit verdict.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseJUnit } from '../../harness/report/junit-read.ts';
import { gateResults, writeGateResults } from '../../harness/tekton/gate-results.ts';

const SHA = 'a'.repeat(40);
const junit = (cases: string, suiteProps = `<property name="unidesk.commit" value="${SHA}"/>`) =>
  parseJUnit(`<?xml version="1.0"?><testsuites><testsuite name="suites/commit/commit.test.ts" tests="2"><properties>${suiteProps}</properties>${cases}</testsuite></testsuites>`);
const ok = (name: string) => `<testcase name="${name}" classname="c"></testcase>`;
const failed = (name: string, cls?: string) =>
  `<testcase name="${name}" classname="c">${cls ? `<properties><property name="unidesk.failure-class" value="${cls}"/></properties>` : ''}<failure message="boom" type="${cls ?? 'Error'}">boom</failure></testcase>`;
const skipped = (name: string) => `<testcase name="${name}" classname="c"><skipped message="earlier step failed"/></testcase>`;

describe('gateResults', () => {
  test.each([
    ['every step passed', junit(ok('clone') + ok('check')), { 'failure-class': 'none', 'failure-message': '', commit: SHA }],
    ['an app failure', junit(ok('clone') + failed('check', 'app') + skipped('after')), { 'failure-class': 'app', 'failure-message': 'check: boom', commit: SHA }],
    [
      'the worst of two classes wins; the first failed step speaks',
      junit(failed('a', 'app') + failed('b', 'infra.cluster')),
      { 'failure-class': 'infra.cluster', 'failure-message': 'a: boom', commit: SHA },
    ],
    ['a failure without a class is not a pass', junit(ok('clone') + failed('check')), { 'failure-class': 'unclassified', 'failure-message': 'check: boom', commit: SHA }],
    ['no commit resolved (clone failed)', junit(failed('clone', 'infra.auth'), ''), { 'failure-class': 'infra.auth', 'failure-message': 'clone: boom' }],
    ['a commit that is not 40 hex is not reported', junit(ok('clone'), '<property name="unidesk.commit" value="master"/>'), { 'failure-class': 'none', 'failure-message': '' }],
    ['no report at all', undefined, { 'failure-class': 'unclassified', 'failure-message': 'the gate wrote no JUnit report (it crashed before its reporter ran)' }],
  ])('%s', (_name, report, expected) => {
    expect(gateResults(report)).toEqual(expected);
  });
});

test('writeGateResults writes one file per result, without a trailing newline', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gate-results-'));
  try {
    await writeGateResults(dir, junit(failed('check', 'app')));
    expect((await readdir(dir)).sort()).toEqual(['commit', 'failure-class', 'failure-message']);
    expect(await readFile(join(dir, 'failure-class'), 'utf8')).toBe('app');
    expect(await readFile(join(dir, 'commit'), 'utf8')).toBe(SHA);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a long failure line is capped (all results of a TaskRun share 4096 bytes)', () => {
  const long = 'x'.repeat(5000);
  const r = gateResults(junit(`<testcase name="check" classname="c"><failure message="${long}" type="app">${long}</failure></testcase>`));
  expect(r['failure-message'].length).toBe(300);
  expect(r['failure-message'].endsWith('…')).toBe(true);
});

import { describe, expect, test } from 'vitest';
import { addSuiteProperties } from '../../harness/report/junit-properties.ts';
import { parseJUnit } from '../../harness/report/junit-read.ts';
import { stepsOf } from '../../harness/report/junit-gate-run.ts';

const SHA = 'a'.repeat(40);
// the shape Vitest 5's junit reporter writes, with annotations as testcase properties
const XML = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="3" failures="1" errors="0" time="1">
    <testsuite name="suites/commit/commit.test.ts" timestamp="t" hostname="h" tests="3" failures="1" errors="0" skipped="1" time="1">
        <testcase classname="suites/commit/commit.test.ts" name="clone &amp; checkout" time="0.5">
            <properties>
                <property name="unidesk.gate" value="commit">
                </property>
                <property name="unidesk.run-id" value="r1"/>
                <property name="unidesk.commit" value="${SHA}">
                </property>
            </properties>
        </testcase>
        <testcase classname="suites/commit/commit.test.ts" name="bun install" time="0.1">
            <failure message="exit 1: lockfile had changes" type="app">
app: exit 1 &lt;details&gt;
            </failure>
            <properties>
                <property name="unidesk.failure-class" value="app"/>
                <property name="unidesk.output-tail" value="line1&#10;line2 &quot;q&quot;"/>
            </properties>
        </testcase>
        <testcase classname="suites/commit/commit.test.ts" name="check" time="0">
            <skipped message="not run"/>
            <properties>
                <property name="unidesk.skipped-reason" value="not run: step &quot;bun install&quot; failed (app)"/>
            </properties>
        </testcase>
    </testsuite>
</testsuites>`;

describe('parseJUnit', () => {
  test('statuses, failure type and body, properties with entities', () => {
    const r = parseJUnit(XML);
    const [a, b, c] = r.suites[0].cases;
    expect(a).toMatchObject({ name: 'clone & checkout', status: 'passed', properties: { 'unidesk.gate': 'commit', 'unidesk.commit': SHA } });
    expect(b).toMatchObject({ status: 'failed', failure: { type: 'app', message: 'exit 1: lockfile had changes' } });
    expect(b.failure!.body).toContain('app: exit 1 <details>');
    expect(b.properties['unidesk.output-tail']).toBe('line1\nline2 "q"');
    expect(c).toMatchObject({ status: 'skipped', skippedMessage: 'not run' });
  });
  test('stepsOf gives class and skipped reason per step', () => {
    expect(stepsOf(parseJUnit(XML)).map((s) => [s.status, s.failureClass, s.skippedReason])).toEqual([
      ['passed', undefined, undefined],
      ['failed', 'app', undefined],
      ['skipped', undefined, 'not run: step "bun install" failed (app)'],
    ]);
  });
  test('a testcase outside a testsuite is refused as input', () => {
    expect(() => parseJUnit('<testsuites><testcase name="x"/></testsuites>')).toThrow(expect.objectContaining({ failureClass: 'input' }));
  });
});

describe('addSuiteProperties', () => {
  test('lifts gate, commit and run id to the testsuite, as its first child, once', () => {
    const out = addSuiteProperties(XML, { 'unidesk.pipeline-run': 'pr-<1>' });
    expect(out).toMatch(/<testsuite [^>]*>\s*<properties>\s*<property name="unidesk.gate" value="commit"\/>/);
    const suite = parseJUnit(out).suites[0];
    expect(suite.properties).toEqual({ 'unidesk.gate': 'commit', 'unidesk.commit': SHA, 'unidesk.run-id': 'r1', 'unidesk.pipeline-run': 'pr-<1>' });
    expect(out).toContain('value="pr-&lt;1&gt;"');
    // testcase properties are untouched
    expect(suite.cases[0].properties['unidesk.commit']).toBe(SHA);
    expect(addSuiteProperties(out)).toBe(out);
  });
  test('nothing known, nothing added', () => {
    const bare = '<testsuites><testsuite name="s"><testcase name="x" classname="c" time="0"/></testsuite></testsuites>';
    expect(addSuiteProperties(bare)).toBe(bare);
  });
});

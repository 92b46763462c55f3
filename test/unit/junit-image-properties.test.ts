// The artifact gate's deployment input (image ref and digest) is lifted to the testsuite, like
// gate/commit/run id, so a dashboard reading only suite properties sees what was published.
import { describe, expect, test } from 'vitest';
import { addSuiteProperties } from '../../harness/report/junit-properties.ts';
import { parseJUnit } from '../../harness/report/junit-read.ts';

const SHA = 'b'.repeat(40);
const REF = `127.0.0.1:5000/unidesk/backend-core:${SHA}`;
const DIGEST = `sha256:${'c'.repeat(64)}`;
const testcase = (name: string, props: Record<string, string>) =>
  `<testcase classname="suites/artifact/artifact.test.ts" name="${name}" time="0.1"><properties>${Object.entries(props)
    .map(([k, v]) => `<property name="${k}" value="${v}"/>`)
    .join('')}</properties></testcase>`;
const xml = (...cases: string[]) => `<testsuites><testsuite name="suites/artifact/artifact.test.ts" tests="${cases.length}">${cases.join('')}</testsuite></testsuites>`;

describe('addSuiteProperties for the artifact gate', () => {
  test('image ref and digest reach the testsuite', () => {
    const out = addSuiteProperties(xml(testcase('resolve', { 'unidesk.gate': 'artifact', 'unidesk.image-ref': REF }), testcase('push', { 'unidesk.image-digest': DIGEST })));
    expect(parseJUnit(out).suites[0]!.properties).toEqual({ 'unidesk.gate': 'artifact', 'unidesk.image-ref': REF, 'unidesk.image-digest': DIGEST });
  });

  test('other testcase properties stay on their testcase', () => {
    const out = addSuiteProperties(xml(testcase('resolve', { 'unidesk.image-ref': REF, 'unidesk.registry': '127.0.0.1:5000' })));
    expect(parseJUnit(out).suites[0]!.properties).toEqual({ 'unidesk.image-ref': REF });
  });
});

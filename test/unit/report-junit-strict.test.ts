// Both JUnit flavours of every gate, checked with a real XSD validator (xmllint from Debian's
// libxml2-utils) against the xUnit plugin's strict junit-10.xsd (test/data, with its licence).
// The default flavour (Vitest's <properties> inside <testcase>) is EXPECTED to fail that schema;
// the strict flavour must pass and must read back to the same testcases and facts.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toStrictJUnit } from '../../harness/report/junit-flavour.ts';
import { decodeFacts, encodeFact } from '../../harness/report/junit-facts.ts';
import { parseJUnit, testcases } from '../../harness/report/junit-read.ts';
import { appendStoreFailure } from '../../harness/report/store/store-failure.ts';

const DATA = join(import.meta.dirname, '..', 'data');
const XSD = join(DATA, 'junit-10.xsd');
let dir: string;
let files: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'junit-strict-'));
  files = (await readdir(join(DATA, 'junit'))).filter((f) => f.endsWith('.xml')).sort();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function xmllint(xml: string, name: string): Promise<{ ok: boolean; output: string }> {
  const file = join(dir, name);
  await writeFile(file, xml);
  try {
    const r = await promisify(execFile)('xmllint', ['--noout', '--schema', XSD, file]);
    return { ok: true, output: r.stderr };
  } catch (e) {
    return { ok: false, output: String((e as { stderr?: string }).stderr) };
  }
}

describe('JUnit flavours against junit-10.xsd (xmllint --schema)', () => {
  test('the kept gate reports cover every gate that exists, passing and failing', () => {
    const gates = new Set(files.map((f) => f.replace(/(-failed)?\.xml$/, '')));
    expect([...gates].sort()).toEqual(['artifact', 'commit', 'install', 'perf']);
    expect(files.some((f) => f.includes('-failed'))).toBe(true);
  });

  test.each(['artifact.xml', 'commit.xml', 'commit-failed.xml', 'install.xml', 'install-failed.xml', 'perf.xml', 'perf-failed.xml'])(
    '%s: default fails the strict schema, strict passes and reads back the same',
    async (f) => {
      const xml = await readFile(join(DATA, 'junit', f), 'utf8');
      const plain = await xmllint(xml, `default-${f}`);
      expect(plain.ok).toBe(false);
      expect(plain.output).toContain("Element 'properties': This element is not expected");
      const strict = toStrictJUnit(xml);
      const checked = await xmllint(strict, `strict-${f}`);
      expect(checked.output).toContain('validates');
      expect(checked.ok).toBe(true);
      // same testcases, statuses, failures and facts, suite properties untouched
      expect(parseJUnit(strict)).toEqual(parseJUnit(xml));
      expect(testcases(parseJUnit(strict)).every((c) => c.properties['unidesk.gate'])).toBe(true);
      expect(toStrictJUnit(strict)).toBe(strict);
      expect(strict).not.toMatch(/<testcase\b[^>]*>(?:(?!<\/testcase>)[\s\S])*<properties>/);
    },
  );

  test('a failed testcase carries its class as a system-out line in the strict flavour', async () => {
    const strict = toStrictJUnit(await readFile(join(DATA, 'junit', 'commit-failed.xml'), 'utf8'));
    expect(strict).toMatch(/<system-out>[\s\S]*^unidesk\.failure-class=input$/m);
  });

  test('the results store failure appended to either flavour keeps the file valid in its flavour', async () => {
    const xml = await readFile(join(DATA, 'junit', 'perf.xml'), 'utf8');
    const f = { gate: 'perf', step: 'record the gate run in the results store (unidesk_ci)', failureClass: 'infra.network', message: 'connect ECONNREFUSED 127.0.0.1:9 <&>' };
    const strict = appendStoreFailure(toStrictJUnit(xml), { ...f, flavour: 'strict' });
    expect((await xmllint(strict, 'strict-store.xml')).ok).toBe(true);
    const plain = appendStoreFailure(xml, { ...f, flavour: 'default' });
    const before = testcases(parseJUnit(xml));
    const after = testcases(parseJUnit(plain));
    expect(after.slice(0, -1)).toEqual(before);
    expect(after.at(-1)).toMatchObject({ status: 'failed', properties: { 'unidesk.failure-class': 'infra.network' }, failure: { message: f.message } });
    expect(plain).toMatch(new RegExp(`<testsuites [^>]*tests="${before.length + 1}"`));
  });
});

describe('fact lines', () => {
  test('multi-line values and backslashes survive the round trip; console lines are not facts', () => {
    const value = 'line 1\nC:\\path\\n-not-a-newline\nline 3';
    const text = ['[commit : clone] unidesk.fake=no', encodeFact('unidesk.output-tail', value), encodeFact('unidesk.gate', 'commit')].join('\n');
    expect(encodeFact('unidesk.output-tail', value).split('\n')).toHaveLength(1);
    expect(decodeFacts(text)).toEqual({ 'unidesk.output-tail': value, 'unidesk.gate': 'commit' });
  });
});

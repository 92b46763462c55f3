// Reading the JUnit XML a gate wrote (Vitest's junit reporter, optionally with our testsuite-level
// <properties>): testsuites → testcases with status, failure type/message and unidesk.* properties.
// A small tokenizer is enough for this one well-formed dialect; anything unexpected is an input error.
import { createReadStream } from 'node:fs';
import { readBoundedText } from '../http/bounded-body.ts';
import { z } from 'zod';
import { CiError } from '../failure.ts';
import { decodeFacts } from './junit-facts.ts';

export type JUnitCase = {
  name: string;
  classname: string;
  timeSeconds: number;
  status: 'passed' | 'failed' | 'skipped';
  failure?: { type?: string; message?: string; body: string };
  skippedMessage?: string;
  properties: Record<string, string>;
};
export type JUnitSuite = { name: string; properties: Record<string, string>; cases: JUnitCase[] };
export type JUnitReport = { suites: JUnitSuite[] };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
export function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => (e[0] === '#' ? String.fromCodePoint(Number.parseInt(e.slice(e[1] === 'x' ? 2 : 1), e[1] === 'x' ? 16 : 10)) : (ENTITIES[e] ?? m)));
}

function attrs(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of raw.matchAll(/([\w:.-]+)="([^"]*)"/g)) out[m[1]] = unescapeXml(m[2]);
  return out;
}

const caseAttrs = z.object({ name: z.string(), classname: z.string().default(''), time: z.coerce.number().default(0) });
const propertyAttrs = z.object({ name: z.string().min(1), value: z.string().default('') });

const TOKEN = /<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;

export function parseJUnit(xml: string): JUnitReport {
  const suites: JUnitSuite[] = [];
  let suite: JUnitSuite | undefined;
  let tc: JUnitCase | undefined;
  let inFailure = false;
  // the strict flavour carries a testcase's facts as `unidesk.x=value` lines in <system-out>
  let systemOut: string | undefined;
  for (const m of xml.matchAll(TOKEN)) {
    const [, cdata, close, tag, rawAttrs, selfClose, text] = m;
    if (text !== undefined || cdata !== undefined) {
      if (inFailure && tc?.failure) tc.failure.body += cdata ?? unescapeXml(text ?? '');
      if (systemOut !== undefined) systemOut += cdata ?? unescapeXml(text ?? '');
      continue;
    }
    if (!tag) continue;
    if (close) {
      if (tag === 'testcase') tc = undefined;
      else if (tag === 'testsuite') suite = undefined;
      else if (tag === 'failure' || tag === 'error') inFailure = false;
      else if (tag === 'system-out' && systemOut !== undefined) {
        if (tc) tc.properties = { ...decodeFacts(systemOut), ...tc.properties };
        systemOut = undefined;
      }
      continue;
    }
    const a = attrs(rawAttrs ?? '');
    if (tag === 'testsuite') {
      suite = { name: a.name ?? '', properties: {}, cases: [] };
      suites.push(suite);
      if (selfClose) suite = undefined;
    } else if (tag === 'testcase') {
      if (!suite) throw new CiError('input', 'JUnit: <testcase> outside a <testsuite>');
      const c = caseAttrs.parse(a);
      tc = { name: c.name, classname: c.classname, timeSeconds: c.time, status: 'passed', properties: {} };
      suite.cases.push(tc);
      if (selfClose) tc = undefined;
    } else if (tag === 'property') {
      const p = propertyAttrs.parse(a);
      if (tc) tc.properties[p.name] = p.value;
      else if (suite) suite.properties[p.name] = p.value;
    } else if ((tag === 'failure' || tag === 'error') && tc) {
      tc.status = 'failed';
      tc.failure = { type: a.type, message: a.message, body: '' };
      inFailure = !selfClose;
    } else if (tag === 'system-out' && tc && !selfClose) {
      systemOut = '';
    } else if (tag === 'skipped' && tc) {
      tc.status = 'skipped';
      tc.skippedMessage = a.message;
    }
  }
  return { suites };
}

/**
 * Cap of one gate's JUnit file. A gate writes a few hundred testcases with failure messages and
 * output tails (KiB each): well under 1 MiB. 64 MiB means a runaway test printed without end into
 * its report; the file is refused (input: the report handed to the reader is unusable) rather than
 * parsed into memory several times its size.
 */
export const JUNIT_MAX_BYTES = 64 * 1024 * 1024;

/** The JUnit file's text, read with JUNIT_MAX_BYTES; `{ missing }` with the errno code when it cannot be opened. */
export async function readJUnitText(path: string, maxBytes = JUNIT_MAX_BYTES): Promise<string | { missing: string }> {
  try {
    return await readBoundedText(createReadStream(path), { maxBytes, what: `JUnit report ${path}`, failureClass: 'input' });
  } catch (e) {
    if (e instanceof CiError) throw e;
    return { missing: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

export async function readJUnit(path: string): Promise<JUnitReport> {
  const xml = await readJUnitText(path);
  if (typeof xml !== 'string') throw new CiError('input', `no JUnit report at ${path} (${xml.missing}): the gate did not run to its reporter`);
  if (!/<testsuites?\b/.test(xml)) throw new CiError('input', `${path} is not a JUnit report`);
  return parseJUnit(xml);
}

/** Every testcase of the report, in file order. */
export function testcases(report: JUnitReport): JUnitCase[] {
  return report.suites.flatMap((s) => s.cases);
}

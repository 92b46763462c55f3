// Testsuite-level <properties> (gate, commit, run id): the strict JUnit schema some dashboards
// validate against (xunit-plugin junit-10.xsd) allows properties only there, while Vitest writes
// annotations per testcase. This lifts the run-level facts into each <testsuite> after the run.
// Idempotent: a suite that already has its own <properties> is left alone.
import { writeFile } from 'node:fs/promises';
import { parseJUnit, readJUnitText } from './junit-read.ts';

export const SUITE_PROPERTIES = ['unidesk.gate', 'unidesk.commit', 'unidesk.run-id', 'unidesk.image-ref', 'unidesk.image-digest'] as const;

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function addSuiteProperties(xml: string, extra: Record<string, string> = {}): string {
  const suites = parseJUnit(xml).suites;
  let i = 0;
  return xml.replace(/<testsuite\b((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>(\s*<properties>)?/g, (whole, _attrs, selfClose: string, hasProps?: string) => {
    const suite = suites[i++];
    if (selfClose || hasProps || !suite) return whole;
    const facts: Record<string, string> = {};
    for (const name of SUITE_PROPERTIES) {
      const found = suite.cases.map((c) => c.properties[name]).find((v) => v);
      if (found) facts[name] = found;
    }
    Object.assign(facts, extra);
    const entries = Object.entries(facts);
    if (!entries.length) return whole;
    const props = entries.map(([k, v]) => `\n            <property name="${escapeAttr(k)}" value="${escapeAttr(v)}"/>`).join('');
    return `${whole}\n        <properties>${props}\n        </properties>`;
  });
}

/** Rewrite a JUnit file in place with testsuite-level properties; returns false when there is no file. */
export async function stampJUnitFile(path: string, extra: Record<string, string> = {}): Promise<boolean> {
  const xml = await readJUnitText(path);
  if (typeof xml !== 'string') return false;
  const out = addSuiteProperties(xml, extra);
  if (out !== xml) await writeFile(path, out);
  return true;
}

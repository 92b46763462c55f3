// The recording step's failure as JUnit: one more <testsuite> with one failed testcase of the
// store's infra.* class, appended after the gate's own suites (which are left untouched), and the
// <testsuites> totals raised by one. Written in the file's flavour so a strict file stays valid.
import { withFlavour, type JUnitFlavour } from '../junit-flavour.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export type StoreFailure = { gate: string; step: string; failureClass: string; message: string; flavour: JUnitFlavour };

export function storeFailureSuite(f: StoreFailure, now = new Date()): string {
  const suite = 'unidesk-ci results store';
  return withFlavour(
    `    <testsuite name="${suite}" timestamp="${now.toISOString()}" tests="1" failures="1" errors="0" skipped="0" time="0">
        <properties>
            <property name="unidesk.gate" value="${esc(f.gate)}"/>
        </properties>
        <testcase classname="${suite}" name="${esc(f.step)}" time="0">
            <properties>
                <property name="unidesk.gate" value="${esc(f.gate)}">
                </property>
                <property name="unidesk.failure-class" value="${esc(f.failureClass)}">
                </property>
            </properties>
            <failure message="${esc(f.message)}" type="${esc(f.failureClass)}">
${esc(f.message)}
            </failure>
        </testcase>
    </testsuite>
`,
    f.flavour,
  );
}

export function appendStoreFailure(xml: string, f: StoreFailure): string {
  const bump = (tag: string, attr: string) => tag.replace(new RegExp(`\\b${attr}="(\\d+)"`), (_, n: string) => `${attr}="${Number(n) + 1}"`);
  const withTotals = xml.replace(/<testsuites\b[^>]*>/, (tag) => bump(bump(tag, 'tests'), 'failures'));
  const at = withTotals.lastIndexOf('</testsuites>');
  if (at < 0) return `${withTotals}\n<testsuites>\n${storeFailureSuite(f)}</testsuites>\n`;
  return `${withTotals.slice(0, at)}${storeFailureSuite(f)}${withTotals.slice(at)}`;
}

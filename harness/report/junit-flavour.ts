// The two JUnit flavours a gate can write (UNIDESK_CI_JUNIT):
// - `default`: Vitest's own output — testcase facts as <properties> inside <testcase>. Jenkins'
//   junit plugin (keepProperties), GitLab and most dashboards read that.
// - `strict`: valid against the xUnit plugin's junit-10.xsd, which allows <properties> only on a
//   <testsuite>: each testcase's facts become `name=value` lines (`unidesk.failure-class=app`) at
//   the top of its `<system-out>` (ahead of the console output); run-level facts stay in the
//   testsuite's <properties>.
// readJUnit turns the lines back into the same properties (junit-facts.ts).
import { encodeFact } from './junit-facts.ts';
import { unescapeXml } from './junit-read.ts';

export const JUNIT_FLAVOURS = ['default', 'strict'] as const;
export type JUnitFlavour = (typeof JUNIT_FLAVOURS)[number];

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Move every testcase's <properties> into a <system-out> of fact lines. Idempotent. */
export function toStrictJUnit(xml: string): string {
  return xml.replace(/(<testcase\b[^>]*[^/]>)([\s\S]*?)(\n?([ \t]*)<\/testcase>)/g, (whole, open: string, body: string, close: string, indent: string) => {
    const props = /\s*<properties>([\s\S]*?)<\/properties>/.exec(body);
    if (!props) return whole;
    const facts = [...props[1].matchAll(/<property\s+name="([^"]*)"\s+value="([^"]*)"/g)].map(([, n, v]) => encodeFact(unescapeXml(n), unescapeXml(v)));
    const rest = body.replace(props[0], '');
    const lines = escapeText(facts.join('\n'));
    // one <system-out> per testcase: the facts go first in the console output's one, if any
    if (/<system-out>/.test(rest)) return `${open}${rest.replace('<system-out>', `<system-out>\n${lines}`)}${close}`;
    return `${open}${rest}\n${indent}    <system-out>\n${lines}\n${indent}    </system-out>${close}`;
  });
}

export function withFlavour(xml: string, flavour: JUnitFlavour): string {
  return flavour === 'strict' ? toStrictJUnit(xml) : xml;
}

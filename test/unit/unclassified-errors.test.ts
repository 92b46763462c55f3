// No known failure may end as `internal`: every plain `new Error(` the harness and the suites create
// says, on the line above, why it is not a classified failure (`// unclassified: <why>` — a harness
// bug, a cancellation, or a caller that classifies it). A new one without that line fails here:
// make it a CiError with its class, or say why it cannot be one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every plain new Error( in harness/ and suites/ is documented as unclassified on purpose', () => {
  const undocumented: string[] = [];
  let documented = 0;
  for (const file of ['harness', 'suites'].flatMap((d) => tsFiles(join(ROOT, d)))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!/\bnew Error\(/.test(line) || /^\s*(\/\/|\*)/.test(line)) return;
      if (/\/\/ unclassified: \S/.test(lines[i - 1] ?? '')) documented++;
      else undocumented.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(undocumented).toEqual([]);
  // the scan sees the files (a wrong root would pass vacuously)
  expect(documented).toBeGreaterThan(5);
});

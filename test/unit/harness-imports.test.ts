// The harness's import graph, read from the sources: harness/ never imports the lab (fixtures/),
// perf (measuring) <- budgets (judging) <- report (keeping) import one way, and no two files import
// each other, directly or round about.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** Relative specifiers of `import … from`, `export … from`, `import '…'` and `import('…')`. */
const SPECIFIER = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every .ts file under harness/ with the repository paths it imports. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(join(ROOT, 'harness'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join('harness', f));
  return new Map(
    files.map((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return [file, [...text.matchAll(SPECIFIER)].map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1])))];
    }),
  );
}

/** One cycle (its files, sorted) per group of files that import each other. */
function fileCycles(graph: Map<string, string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const path: string[] = [];
  const done = new Set<string>();
  const visit = (file: string): void => {
    const at = path.indexOf(file);
    if (at >= 0) return void cycles.set(path.slice(at).sort().join(' '), path.slice(at).sort());
    if (done.has(file) || !graph.has(file)) return;
    path.push(file);
    for (const to of graph.get(file)!) visit(to);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return [...cycles.values()];
}

const folderOf = (file: string) => file.split('/')[1];

test('no file in harness/ imports fixtures/ (the lab is a program the CLI runs: fixtures/lab/ci-program.ts)', () => {
  const offenders = [...importGraph()].filter(([, to]) => to.some((t) => t.startsWith('fixtures/'))).map(([file]) => file);
  expect(offenders).toEqual([]);
});

test('perf <- budgets <- report: no folder imports one after it', () => {
  const layers = ['perf', 'budgets', 'report'];
  const upward = [...importGraph()].flatMap(([file, to]) =>
    to.filter((t) => layers.indexOf(folderOf(t)) > layers.indexOf(folderOf(file)) && layers.includes(folderOf(file))).map((t) => `${file} -> ${t}`),
  );
  expect(upward).toEqual([]);
});

test('no import cycle between files of harness/', () => {
  expect(fileCycles(importGraph())).toEqual([]);
});

test('the graph sees every kind of import (the checks above can fail)', () => {
  const graph = importGraph();
  expect(graph.get('harness/cli/run.ts')).toContain('harness/cli/tekton/client.ts'); // import('…')
  expect(graph.get('harness/kube/index.ts')).toContain('harness/kube/policy.ts'); // export … from
  expect(
    fileCycles(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['d', ['a']],
      ]),
    ),
  ).toEqual([['a', 'b', 'c']]);
});

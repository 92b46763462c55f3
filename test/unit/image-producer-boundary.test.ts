// "CI is the producer only": the artifact gate and the publish command cannot reach a Kubernetes
// client, the write guard's targets, Compose or deploy.json — shown on their whole import graph.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module reachable from `entry`: project files (relative) and packages (bare names). */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) visit(relative(ROOT, resolve(ROOT, dirname(file), spec)));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  };
  visit(entry);
  return { files, packages };
}

describe.each(['suites/artifact/artifact.test.ts', 'harness/cli/publish-local.ts', 'harness/image/publish/index.ts'])('%s', (entry) => {
  const graph = importGraph(entry);

  test('imports no Kubernetes client and nothing of harness/kube or harness/tekton', () => {
    expect(graph.files.size).toBeGreaterThan(5);
    expect([...graph.packages]).not.toContain('@kubernetes/client-node');
    expect([...graph.files].filter((f) => /^harness\/(kube|tekton)\//.test(f))).toEqual([]);
  });

  test('no reachable module writes deploy.json or drives Compose', () => {
    for (const f of graph.files) {
      const code = readFileSync(join(ROOT, f), 'utf8').replace(/\/\/.*$/gm, '');
      expect(code, f).not.toMatch(/deploy\.json|docker-compose|compose\s+up|'compose'/);
    }
  });
});

// `publish-backend-core` without --local is a Tekton client: it creates the publish PipelineRun in
// unidesk-ci (and --lab loads the lab's fixtures); still nothing it reaches deploys
test('harness/cli/publish-backend-core.ts: no reachable module of the harness writes deploy.json or drives Compose', () => {
  const graph = importGraph('harness/cli/publish-backend-core.ts');
  expect([...graph.files]).toContain('harness/tekton/pipelinerun.ts');
  for (const f of [...graph.files].filter((x) => !x.startsWith('fixtures/'))) {
    const code = readFileSync(join(ROOT, f), 'utf8').replace(/\/\/.*$/gm, '');
    expect(code, f).not.toMatch(/deploy\.json|docker-compose|compose\s+up|'compose'/);
  }
});

test('the graph walker sees through relative and dynamic imports (it can fail)', () => {
  const cli = importGraph('harness/cli/main.ts');
  expect([...cli.files]).toContain('harness/cli/run.ts');
});

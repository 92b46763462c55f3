// The budgets ConfigMap: the repo's own file parses to the seed's five budgets; every malformed
// or missing key stops with a message naming the key and what was expected.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { budgetsFromCluster, budgetsFromFile } from '../../harness/budgets/source.ts';
import { parseBudgets } from '../../harness/budgets/schema.ts';
import { CiError } from '../../harness/failure.ts';

const FILE = join(import.meta.dirname, '../../k3s/ci/budgets.configmap.yaml');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function original(): Promise<{ kind: string; metadata: { name: string }; data: Record<string, string> }> {
  const { readFile } = await import('node:fs/promises');
  return parse(await readFile(FILE, 'utf8'));
}

function expectInput(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CiError);
    expect((e as CiError).failureClass).toBe('input');
    expect((e as CiError).message).toMatch(message);
    return;
  }
  throw new Error('expected an input CiError');
}

describe('budgets ConfigMap', () => {
  test("k3s/ci/budgets.configmap.yaml gives the seed's five budgets and tiers", async () => {
    const b = await budgetsFromFile(FILE);
    expect(b.budgets.map((x) => [x.name, x.endpoint, x.statistic, x.budgetMs, x.tier, x.n])).toEqual([
      ['overview.first-payload', 'overview', 'cold', 10000, 'blocking', 1],
      ['trace-summary', 'trace-summary', 'single', 10000, 'blocking', 1],
      ['trace-steps', 'trace-steps', 'single', 20000, 'diagnostic', 1],
      ['trace-step', 'trace-step', 'single', 20000, 'diagnostic', 1],
      ['overview.p95', 'overview', 'p95', 20000, 'blocking', 10],
    ]);
    expect(b.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the hash changes with any value and not with key order', async () => {
    const cm = await original();
    const a = parseBudgets(cm, 'x').hash;
    const reordered = { ...cm, data: Object.fromEntries(Object.entries(cm.data).reverse()) };
    expect(parseBudgets(reordered, 'x').hash).toBe(a);
    expect(parseBudgets({ ...cm, data: { ...cm.data, 'trace-step.budget-ms': '20001' } }, 'x').hash).not.toBe(a);
  });

  const cases: Array<[string, (d: Record<string, string>) => void, RegExp]> = [
    ['missing budget', (d) => delete d['trace-summary.budget-ms'], /missing key "trace-summary\.budget-ms": expected a positive integer number of milliseconds/],
    ['missing tier', (d) => delete d['trace-steps.tier'], /missing key "trace-steps\.tier": expected one of "blocking", "diagnostic"/],
    ['missing p95 samples', (d) => delete d['overview.p95.samples'], /missing key "overview\.p95\.samples"/],
    ['budget with a unit', (d) => (d['trace-summary.budget-ms'] = '10s'), /key "trace-summary\.budget-ms" is "10s": expected a positive integer/],
    ['negative budget', (d) => (d['overview.p95.budget-ms'] = '-5'), /key "overview\.p95\.budget-ms" is "-5"/],
    ['zero budget', (d) => (d['trace-step.budget-ms'] = '0'), /key "trace-step\.budget-ms" is "0"/],
    ['unknown tier', (d) => (d['trace-summary.tier'] = 'warn'), /key "trace-summary\.tier" is "warn": expected one of "blocking", "diagnostic"/],
    ['samples not a number', (d) => (d['overview.p95.samples'] = 'ten'), /key "overview\.p95\.samples" is "ten"/],
    ['misspelt key', (d) => (d['trace-summry.budget-ms'] = '1'), /unknown key "trace-summry\.budget-ms"/],
    ['cold sample with n > 1', (d) => (d['overview.first-payload.samples'] = '3'), /first payload is one cold request/],
  ];
  for (const [what, mutate, message] of cases) {
    test(`${what} → input error naming the key`, async () => {
      const cm = await original();
      mutate(cm.data);
      expectInput(() => parseBudgets(cm, 'test'), message);
    });
  }

  test('a non-string value, a wrong kind or name are named', async () => {
    const cm = await original();
    expectInput(() => parseBudgets({ ...cm, data: { ...cm.data, 'trace-summary.budget-ms': 10000 } }, 't'), /data\.trace-summary\.budget-ms: expected a ConfigMap with string data/);
    expectInput(() => parseBudgets({ ...cm, kind: 'Secret' }, 't'), /kind: expected a ConfigMap/);
    expectInput(() => parseBudgets({ ...cm, metadata: { name: 'other' } }, 't'), /metadata\.name is "other", expected "unidesk-ci-budgets"/);
    expectInput(() => parseBudgets(null, 't'), /expected a ConfigMap/);
  });

  test('a missing or unparsable file and a missing cluster ConfigMap are input errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'budgets-'));
    dirs.push(dir);
    await expect(budgetsFromFile(join(dir, 'nope.yaml'))).rejects.toThrow(/UNIDESK_CI_BUDGETS_FILE=.*nope\.yaml: cannot read it \(ENOENT\)/);
    await writeFile(join(dir, 'bad.yaml'), 'data: [unclosed');
    await expect(budgetsFromFile(join(dir, 'bad.yaml'))).rejects.toThrow(/not valid YAML/);
    const cm = await original();
    delete cm.data['overview.p95.tier'];
    await writeFile(join(dir, 'partial.yaml'), stringify(cm));
    await expect(budgetsFromFile(join(dir, 'partial.yaml'))).rejects.toThrow(/missing key "overview\.p95\.tier"/);
    await expect(budgetsFromCluster('unidesk-ci', async () => undefined)).rejects.toThrow(/unidesk-ci\/unidesk-ci-budgets not found/);
    await expect(budgetsFromCluster('unidesk-ci', async () => cm)).rejects.toThrow(/cluster unidesk-ci\/unidesk-ci-budgets.*missing key "overview\.p95\.tier"/);
  });
});

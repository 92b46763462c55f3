// The unidesk-ci-budgets ConfigMap: one key per fact (`<budget>.budget-ms`, `<budget>.tier`,
// `overview.p95.samples`), so a malformed or missing value is reported by its key.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CiError } from '../failure.ts';
import type { Statistic } from '../perf/stats.ts';

export const BUDGETS_CONFIGMAP = 'unidesk-ci-budgets';
export const TIERS = ['blocking', 'diagnostic'] as const;
export type Tier = (typeof TIERS)[number];

/** The seed's five budgets: name → which endpoint and which statistic. */
export const BUDGET_DEFINITIONS = {
  'overview.first-payload': { endpoint: 'overview', statistic: 'cold' },
  'trace-summary': { endpoint: 'trace-summary', statistic: 'single' },
  'trace-steps': { endpoint: 'trace-steps', statistic: 'single' },
  'trace-step': { endpoint: 'trace-step', statistic: 'single' },
  'overview.p95': { endpoint: 'overview', statistic: 'p95' },
} as const satisfies Record<string, { endpoint: string; statistic: Statistic }>;

export type BudgetName = keyof typeof BUDGET_DEFINITIONS;
export const BUDGET_NAMES = Object.keys(BUDGET_DEFINITIONS) as BudgetName[];
export type MeasuredEndpoint = (typeof BUDGET_DEFINITIONS)[BudgetName]['endpoint'];

export type Budget = { name: BudgetName; endpoint: MeasuredEndpoint; statistic: Statistic; budgetMs: number; tier: Tier; n: number };
export type Budgets = { budgets: Budget[] /** sha256 of the ConfigMap data, for history comparisons */; hash: string; source: string };

const keySchemas: Record<string, { schema: z.ZodType; expected: string }> = {
  'budget-ms': { schema: z.string().regex(/^[1-9]\d{0,8}$/), expected: 'a positive integer number of milliseconds, e.g. "10000"' },
  tier: { schema: z.enum(TIERS), expected: 'one of "blocking", "diagnostic"' },
  samples: { schema: z.string().regex(/^([1-9]\d{0,3})$/), expected: 'a positive integer sample count (1..9999), e.g. "10"' },
};

const configMapSchema = z.object({
  kind: z.literal('ConfigMap'),
  metadata: z.object({ name: z.string() }),
  data: z.record(z.string(), z.string()),
});

function bad(source: string, message: string): CiError {
  return new CiError('input', `budgets ConfigMap ${BUDGETS_CONFIGMAP} (${source}): ${message}`, {
    hint: `fix k3s/ci/budgets.configmap.yaml and re-apply it (or point UNIDESK_CI_BUDGETS_FILE at a valid copy)`,
  });
}

/** Parse a ConfigMap object (from the cluster or a YAML file) into the five budgets. */
export function parseBudgets(configMap: unknown, source: string): Budgets {
  const cm = configMapSchema.safeParse(configMap);
  if (!cm.success) {
    const i = cm.error.issues[0];
    throw bad(source, `${i.path.join('.') || '(root)'}: expected a ConfigMap with string data (${i.message})`);
  }
  if (cm.data.metadata.name !== BUDGETS_CONFIGMAP) throw bad(source, `metadata.name is "${cm.data.metadata.name}", expected "${BUDGETS_CONFIGMAP}"`);
  const data = cm.data.data;
  const allowed = new Set<string>(['overview.p95.samples']);
  for (const n of BUDGET_NAMES) for (const s of ['budget-ms', 'tier', 'samples']) allowed.add(`${n}.${s}`);
  const unknown = Object.keys(data).filter((k) => !allowed.has(k));
  if (unknown.length) throw bad(source, `unknown key ${unknown.map((k) => `"${k}"`).join(', ')}; expected keys like "trace-summary.budget-ms"`);
  const value = (key: string, kind: keyof typeof keySchemas, required: boolean): string | undefined => {
    const v = data[key];
    if (v === undefined) {
      if (required) throw bad(source, `missing key "${key}": expected ${keySchemas[kind].expected}`);
      return undefined;
    }
    if (!keySchemas[kind].schema.safeParse(v).success) throw bad(source, `key "${key}" is ${JSON.stringify(v)}: expected ${keySchemas[kind].expected}`);
    return v;
  };
  const budgets = BUDGET_NAMES.map((name): Budget => {
    const def = BUDGET_DEFINITIONS[name];
    const budgetMs = Number(value(`${name}.budget-ms`, 'budget-ms', true));
    const tier = value(`${name}.tier`, 'tier', true) as Tier;
    const samples = value(`${name}.samples`, 'samples', def.statistic === 'p95');
    if (def.statistic === 'cold' && samples !== undefined && samples !== '1') throw bad(source, `key "${name}.samples" is "${samples}": the first payload is one cold request, expected "1" or no key`);
    const n = samples ? Number(samples) : 1;
    // a single-request budget given more samples is judged like the p95 one (nearest-rank over n)
    const statistic = def.statistic === 'single' && n > 1 ? 'p95' : def.statistic;
    return { name, endpoint: def.endpoint, statistic, budgetMs, tier, n };
  });
  const canonical = JSON.stringify(
    Object.keys(data)
      .sort()
      .map((k) => [k, data[k]]),
  );
  return { budgets, hash: createHash('sha256').update(canonical).digest('hex'), source };
}

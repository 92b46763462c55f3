// Which gates exist: a suites/<gate>/ folder with test files. Names, run order and which gates are
// manual are harness/gates.ts's.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GATES, gateSpec, type Gate } from '../gates.ts';
import { CiError } from '../failure.ts';
import { PROJECT_ROOT } from '../report/junit-gate-run.ts';

export function gateExists(gate: Gate, root = PROJECT_ROOT): boolean {
  const dir = join(root, 'suites', gate);
  return existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.ts'));
}

export function discoverGates(root = PROJECT_ROOT): Gate[] {
  return GATES.filter((g) => gateExists(g, root));
}

/** The gates to run: the requested ones (validated, in run order) or every gate that exists and is not manual. */
export function selectGates(requested: readonly string[], root = PROJECT_ROOT): Gate[] {
  const existing = discoverGates(root);
  if (!requested.length) {
    const automatic = existing.filter((g) => !gateSpec(g).manual);
    if (!automatic.length) throw new CiError('input', `no gate has suites yet under ${join(root, 'suites')}`);
    return automatic;
  }
  for (const r of requested) {
    if (!(GATES as readonly string[]).includes(r)) throw new CiError('input', `unknown gate ${JSON.stringify(r)}: gates are ${GATES.join(', ')}`);
    if (!existing.includes(r as Gate)) throw new CiError('input', `gate ${r} has no suites yet (suites/${r}/*.test.ts); existing gates: ${existing.join(', ') || 'none'}`);
  }
  return GATES.filter((g) => requested.includes(g));
}

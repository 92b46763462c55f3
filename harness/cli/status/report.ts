// What `unidesk-ci status` found, and how it reads: one line per check (ok / FAIL and the detail),
// the drift per object, the last runs; healthy only when every check is ok. Pure.
import type { Drift } from '../../tekton/drift.ts';
import { paint } from '../style.ts';
import { formatRuns, type RunRow } from './runs.ts';

export type Check = { name: string; ok: boolean; detail: string };

export type StatusReport = { healthy: boolean; checks: Check[]; drift: Drift[]; runs: RunRow[]; reasons: string[] };

export function statusReport(checks: Check[], drift: Drift[], runs: RunRow[]): StatusReport {
  // a detail that already names its subject ("Tekton Pipelines: installed ...") is not prefixed twice
  const reasons = checks.filter((c) => !c.ok).map((c) => (c.detail.startsWith(c.name) ? c.detail : `${c.name}: ${c.detail}`));
  return { healthy: reasons.length === 0, checks, drift, runs, reasons };
}

/** The k3s/ci check from the per-object drift. */
export function driftCheck(drift: readonly Drift[]): Check {
  const off = drift.filter((d) => d.state !== 'in sync');
  if (!off.length) return { name: 'k3s/ci', ok: true, detail: `${drift.length} objects as applied match this checkout` };
  const shown = off.map((d) => (d.state === 'missing' ? `${d.object} missing` : `${d.object} differs at ${d.paths.slice(0, 3).join(', ')}${d.paths.length > 3 ? ', ...' : ''}`));
  return { name: 'k3s/ci', ok: false, detail: `drift from this checkout (${off.length} of ${drift.length} objects; unidesk-ci install applies it): ${shown.join('; ')}` };
}

export function formatStatus(r: StatusReport, colour = false, now = Date.now()): string[] {
  const w = Math.max(...r.checks.map((c) => c.name.length));
  const out = r.checks.map((c) => `${c.name.padEnd(w)}  ${c.ok ? paint('ok  ', 'green', colour) : paint('FAIL', 'red', colour)}  ${c.detail}`);
  out.push('', ...formatRuns(r.runs, now), '');
  out.push(r.healthy ? paint('CI is healthy', 'green', colour) : paint(`CI is not healthy: ${r.reasons.join(' | ')}`, 'red', colour));
  return out;
}

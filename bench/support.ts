// What the benches share, so two never disagree on what "median of N rounds" means (stats.ts, the gate's own).
import { loadavg } from 'node:os';
import { MANIFEST_ACCEPT } from '../harness/registry/media-types.ts';
import { median } from '../harness/perf/stats.ts';

export { median };

/** Seconds `fn` takes. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

export const benchRounds = (fallback: number, name = 'BENCH_ROUNDS'): number => Number(process.env[name] ?? fallback);

export const loadAverage = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Medians of two sides measured round by round, and of their per-round difference and ratio ("paired": less sensitive to load drift between rounds). */
export function paired(base: number[], other: number[]): [base: number, other: number, diff: number, ratio: number] {
  return [median(base), median(other), median(other.map((o, i) => o - base[i]!)), median(other.map((o, i) => o / base[i]!))];
}

/** The tags of <registry>/<repository> (none when it does not exist). */
export async function registryTags(registry: string, repository: string): Promise<string[]> {
  const res = await fetch(`http://${registry}/v2/${repository}/tags/list`);
  return res.ok ? (((await res.json()) as { tags?: string[] | null }).tags ?? []) : [];
}

/** Delete <registry>/<repository>:<tag> by the digest it resolves to, if it is there. */
export async function deleteTag(registry: string, repository: string, tag: string): Promise<void> {
  const url = `http://${registry}/v2/${repository}/manifests`;
  const head = await fetch(`${url}/${tag}`, { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } });
  if (head.ok) await fetch(`${url}/${head.headers.get('docker-content-digest')}`, { method: 'DELETE' });
}

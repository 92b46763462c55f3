// Flags the Tekton commands share: --wait-ms (how long to follow the run) and --output text|json.
// Pure: unit-tested.
import { CiError } from '../../failure.ts';

export type OutputFormat = 'text' | 'json';

export function parseWaitMs(value: string | undefined, fallback: number, usage: string): number {
  if (value === undefined) return fallback;
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new CiError('input', `--wait-ms ${JSON.stringify(value)}: expected a positive whole number of milliseconds\n\nusage: ${usage}`);
  return Number(value);
}

export function parseOutput(value: string | undefined, usage: string): OutputFormat {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new CiError('input', `--output ${JSON.stringify(value)}: expected text or json\n\nusage: ${usage}`);
}

/** Flags that only one path understands are refused on the other, never silently ignored. */
export function refuseFlags(given: Record<string, unknown>, names: readonly string[], why: string, usage: string): void {
  const used = names.filter((n) => given[n] !== undefined && given[n] !== false);
  if (used.length) throw new CiError('input', `${used.map((n) => `--${n}`).join(', ')} ${why}\n\nusage: ${usage}`);
}

/** Progress and logs to stdout, or to stderr under --output json so stdout carries only the JSON. */
export function printers(output: OutputFormat): { say: (l: string) => void; print: (l: string) => void } {
  return { say: output === 'json' ? (l) => console.error(l) : (l) => console.log(l), print: (l) => console.log(l) };
}

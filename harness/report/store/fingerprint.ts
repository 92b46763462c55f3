// The environment a gate run ran in, as a short hash: lab or cluster, the registry, the machine's
// shape. Runs with the same fingerprint are comparable (same idea as the perf fingerprint).
import { createHash } from 'node:crypto';
import os from 'node:os';

export function runFingerprint(parts: { lab: boolean; registry: string; kubeContext?: string }): string {
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', memGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()}-${os.arch()}` };
  return createHash('sha256')
    .update(JSON.stringify({ ...parts, ...machine }))
    .digest('hex')
    .slice(0, 16);
}

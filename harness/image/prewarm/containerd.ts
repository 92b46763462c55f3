// The node's containerd through `ctr` (namespace k8s.io, where kubelet looks): which images it
// has, and importing an OCI layout tar with its digests preserved.
import { existsSync } from 'node:fs';
import { CiError } from '../../failure.ts';
import { runProcess, type RunResult } from '../../process/run.ts';

export const K8S_NAMESPACE = 'k8s.io';

async function ctr(address: string, args: readonly string[], what: string, signal?: AbortSignal): Promise<RunResult> {
  let r: RunResult;
  try {
    r = await runProcess('ctr', ['--address', address, '--namespace', K8S_NAMESPACE, ...args], { signal, timeoutMs: 300_000 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CiError('input', 'ctr is not installed; install it with: apt-get install -y containerd');
    throw new CiError('infra.cluster', `${what} was aborted: ${(e as Error).message}`);
  }
  if (r.exitCode !== 0) {
    const unreachable = /connection refused|no such file|failed to dial|context deadline/i.test(r.tail);
    throw new CiError('infra.cluster', `${what} failed${unreachable ? `: containerd is not reachable at ${address} (UNIDESK_CI_CONTAINERD_ADDRESS)` : ''}`, {
      command: r.command,
      exitCode: r.exitCode,
      outputTail: r.tail,
    });
  }
  return r;
}

/** Image name → manifest (or index) digest, as containerd stores it. */
export async function containerdImages(address: string, signal?: AbortSignal): Promise<Map<string, string>> {
  // ctr would spend its 10 s dial timeout on a socket that is not there
  if (!existsSync(address)) throw new CiError('infra.cluster', `containerd is not reachable: no socket at ${address} (UNIDESK_CI_CONTAINERD_ADDRESS)`);
  const r = await ctr(address, ['images', 'ls'], `listing containerd images at ${address}`, signal);
  const images = new Map<string, string>();
  for (const line of r.stdout.split('\n').slice(1)) {
    const [name, , digest] = line.trim().split(/\s+/);
    if (name && digest?.startsWith('sha256:')) images.set(name, digest);
  }
  return images;
}

export async function importLayoutTar(address: string, tarFile: string, signal?: AbortSignal): Promise<void> {
  await ctr(address, ['images', 'import', '--digests', tarFile], `importing ${tarFile} into containerd`, signal);
}

/** Pack an OCI layout, import it, and check containerd now names `name` with exactly `digest`. */
export async function importLayoutVerified(address: string, layoutDir: string, name: string, digest: string, signal?: AbortSignal): Promise<void> {
  const tar = `${layoutDir}.tar`;
  const t = await runProcess('tar', ['-C', layoutDir, '-cf', tar, '.']);
  if (t.exitCode !== 0) throw new CiError('infra.cluster', `packing ${name} for import failed`, { command: t.command, exitCode: t.exitCode, outputTail: t.tail });
  await importLayoutTar(address, tar, signal);
  const stored = (await containerdImages(address, signal)).get(name);
  if (stored !== digest) {
    throw new CiError('infra.cluster', `${name}: containerd holds ${stored ?? 'nothing'} after import, expected ${digest} (digest not preserved)`);
  }
}

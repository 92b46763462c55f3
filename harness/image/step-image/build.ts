// buildah build of k3s/image/Containerfile (`--isolation chroot --layers`: RUN works here and
// unchanged layers come from the persistent storage) and the push with --digestfile. Both print
// progress: buildah's STEP lines as they come, the elapsed time every 10 s otherwise.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CiError } from '../../failure.ts';
import { buildah } from '../buildah.ts';
import { startTicker } from './progress.ts';

export type StepImageBuild = {
  contextDir: string;
  containerfile: string;
  baseImage: string;
  localName: string;
  labels: Record<string, string>;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
};

/** STEP lines and cache hits are what a person watching wants; apt's own chatter is not. */
export function isProgressLine(line: string): boolean {
  return /^(STEP \d+\/\d+:|--> Using cache|COMMIT|Successfully tagged)/.test(line.trim());
}

export async function buildStepImage(b: StepImageBuild): Promise<number> {
  const ticker = startTicker('step image build', b.log);
  const labels = Object.entries(b.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  const args = ['build', '--isolation', 'chroot', '--layers', '--pull=false', '--build-arg', `BASE=${b.baseImage}`, '-f', b.containerfile, '-t', b.localName, ...labels, b.contextDir];
  try {
    // a build that fails is this project's Containerfile or its base: an input problem for install
    await buildah(args, { env: b.env, signal: b.signal, timeoutMs: b.timeoutMs, onLine: (l) => isProgressLine(l) && ticker.line(l.trim()) }, 'input', 'buildah build of k3s/image/Containerfile');
  } finally {
    b.log(`step image build: ${b.localName} in ${Math.round(ticker.stop() / 1000)} s`);
  }
  return 0;
}

export type StepImagePush = { localName: string; remote: string; /** gzip level 6 (smaller) instead of 1 (faster) */ compress: boolean; env: NodeJS.ProcessEnv; log: (line: string) => void; signal?: AbortSignal; timeoutMs?: number };

export async function pushStepImage(p: StepImagePush): Promise<string> {
  const ticker = startTicker(`step image push to ${p.remote}`, p.log);
  const dir = await mkdtemp(join(tmpdir(), 'unidesk-ci-step-push-'));
  try {
    const digestFile = join(dir, 'digest');
    // buildah 1.28 gzips layers for a registry even with --disable-compression; level 1 instead of
    // the default cuts the push of the ~1.5 GB image to the loopback registry from ~60 s to ~20 s
    const args = ['push', '--tls-verify=false', '--compression-level', p.compress ? '6' : '1', '--digestfile', digestFile, p.localName, `docker://${p.remote}`];
    await buildah(args, { env: p.env, signal: p.signal, timeoutMs: p.timeoutMs, onLine: (l) => /^(Copying|Writing manifest)/.test(l) && ticker.line(l.trim()) }, 'infra.registry', `buildah push to ${p.remote}`);
    const digest = (await readFile(digestFile, 'utf8')).trim();
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new CiError('infra.registry', `buildah push to ${p.remote} wrote no digest (${JSON.stringify(digest)})`);
    return digest;
  } finally {
    await rm(dir, { recursive: true, force: true });
    p.log(`step image push: ${p.remote} in ${Math.round(ticker.stop() / 1000)} s`);
  }
}

// buildah build of k3s/image/Containerfile (`--isolation chroot --layers`: RUN works here and
// unchanged layers come from the persistent storage) and the push with --digestfile. Both print
// progress: buildah's STEP lines as they come, the elapsed time every 10 s otherwise.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CiError } from '../../failure.ts';
import { buildah } from '../buildah.ts';
import { runProcess } from '../../process/run.ts';
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

export type StepImagePush = {
  localName: string;
  remote: string;
  /** gzip level 6 (smaller) instead of 1 (faster) */
  compress: boolean;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Where compressed OCI layouts of pushed images are kept (the build cache). */
  layoutCacheDir: string;
};

/** A local image's ID (its config digest) and labels, from one `buildah inspect`; undefined when storage lacks it. */
export async function inspectLocalImage(localName: string, env: NodeJS.ProcessEnv): Promise<{ id: string; labels: Record<string, string> } | undefined> {
  const r = await runProcess('buildah', ['inspect', '--type', 'image', localName], { env, timeoutMs: 60_000 }).catch(() => undefined);
  if (r?.exitCode !== 0) return undefined;
  try {
    const info = JSON.parse(r.stdout) as { FromImageID?: string; OCIv1?: { config?: { Labels?: Record<string, string> } } };
    return /^[a-f0-9]{64}$/.test(info.FromImageID ?? '') ? { id: info.FromImageID!, labels: info.OCIv1?.config?.Labels ?? {} } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Push: compressing ~1.5 GB is most of a push's time, so the image is written once per image ID as a
 * compressed OCI layout in the build cache, and every push — to each lab's fresh registry, or to
 * D601's again — copies those blobs as they are (`skopeo copy --preserve-digests`): the same
 * manifest digest each time, seconds instead of ~20 s.
 */
export async function pushStepImage(p: StepImagePush): Promise<string> {
  const ticker = startTicker(`step image push to ${p.remote}`, p.log);
  const dir = await mkdtemp(join(tmpdir(), 'unidesk-ci-step-push-'));
  try {
    const id = (await inspectLocalImage(p.localName, p.env))?.id;
    if (!id) throw new CiError('infra.registry', `step image push: ${p.localName} is not in the build storage`);
    const layout = join(p.layoutCacheDir, `${id.slice(0, 32)}-gzip${p.compress ? 6 : 1}`);
    if (!existsSync(join(layout, 'index.json'))) {
      const partial = `${layout}.partial-${process.pid}`;
      await rm(partial, { recursive: true, force: true });
      await mkdir(p.layoutCacheDir, { recursive: true });
      // buildah 1.28 gzips layers even with --disable-compression; level 1 instead of the default
      // cuts it from ~60 s to ~11 s; a loopback registry gains little from smaller layers
      // by ID: the layout holds exactly the image its name is keyed by, even if the tag moves meanwhile
      const args = ['push', '--compression-level', p.compress ? '6' : '1', id, `oci:${partial}:step`];
      await buildah(
        args,
        { env: p.env, signal: p.signal, timeoutMs: p.timeoutMs, onLine: (l) => /^(Copying|Writing manifest)/.test(l) && ticker.line(l.trim()) },
        'infra.registry',
        `buildah push of ${p.localName} to the layout cache`,
      );
      await rename(partial, layout).catch(async (e: NodeJS.ErrnoException) => {
        // another install wrote the same layout meanwhile: theirs is as good
        await rm(partial, { recursive: true, force: true });
        if (!existsSync(join(layout, 'index.json'))) throw e;
      });
    } else p.log(`step image push: compressed layers of ${p.localName} from the build cache`);
    const digestFile = join(dir, 'digest');
    const args = ['copy', '--preserve-digests', '--dest-tls-verify=false', '--digestfile', digestFile, `oci:${layout}:step`, `docker://${p.remote}`];
    const r = await runProcess('skopeo', args, { env: p.env, signal: p.signal, timeoutMs: p.timeoutMs }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new CiError('input', 'skopeo is not installed; install it with: apt-get install -y skopeo');
      throw new CiError('infra.registry', `skopeo copy to ${p.remote} was aborted: ${e.message}`);
    });
    if (r.exitCode !== 0) throw new CiError('infra.registry', `skopeo copy to ${p.remote} failed (exit code ${r.exitCode})`, { command: r.command, exitCode: r.exitCode, outputTail: r.tail });
    const digest = (await readFile(digestFile, 'utf8')).trim();
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new CiError('infra.registry', `skopeo copy to ${p.remote} wrote no digest (${JSON.stringify(digest)})`);
    return digest;
  } finally {
    await rm(dir, { recursive: true, force: true });
    p.log(`step image push: ${p.remote} in ${Math.round(ticker.stop() / 1000)} s`);
  }
}

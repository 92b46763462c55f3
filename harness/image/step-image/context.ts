// The build context of k3s/image/Containerfile, staged in a temporary directory from what is
// already on disk (nothing is downloaded): `node` (the npm `node` package's binary, checked to be
// Node 24), `node_modules` pruned to production by package-lock.json's own `dev` marks, and
// `project` (the files the tag hashes, plus FILE_LIST). node and node_modules are hard-linked where
// the filesystem allows (nobody edits them mid-build); the project files are copied, so an edit
// during the build cannot reach the image behind the tag's back (ensure re-hashes the copy).
import { existsSync } from 'node:fs';
import { copyFile, cp, link, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CiError } from '../../failure.ts';
import { runProcess } from '../../process/run.ts';
import { FILE_LIST } from './tag.ts';

export const CONTAINERFILE = 'k3s/image/Containerfile';
export const NODE_MAJOR = 24;

type LockPackage = { dev?: boolean };

/** Pure: the node_modules paths a production install keeps (package-lock v2/v3 `packages`). */
export function productionPackages(lock: { packages?: Record<string, LockPackage> }): string[] {
  return Object.entries(lock.packages ?? {})
    .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev)
    .map(([path]) => path)
    .sort();
}

async function place(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await link(from, to).catch(() => copyFile(from, to));
}

/** The node binary of the npm `node` package, refused unless it is Node 24. */
export async function nodeBinary(root: string): Promise<{ path: string; version: string }> {
  const path = join(root, 'node_modules/node/bin/node');
  if (!existsSync(path)) throw new CiError('input', `${path} is missing: run npm ci (the devDependency \`node\` provides the step image's Node ${NODE_MAJOR})`);
  const r = await runProcess(path, ['--version']);
  const version = r.stdout.trim();
  if (r.exitCode !== 0 || !version.startsWith(`v${NODE_MAJOR}.`)) throw new CiError('input', `${path} is ${version || 'not runnable'}, the step image needs Node ${NODE_MAJOR}`);
  return { path, version };
}

/** Hard-linked trees (one `cp -al --parents`: fast, same filesystem), else plain copies. */
async function copyTrees(root: string, paths: readonly string[], out: string): Promise<void> {
  if ((await runProcess('cp', ['-al', '--parents', ...paths, out], { cwd: root })).exitCode === 0) return;
  for (const p of paths) {
    await rm(join(out, p), { recursive: true, force: true });
    await cp(join(root, p), join(out, p), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  }
}

async function stageNodeModules(root: string, out: string): Promise<number> {
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages?: Record<string, LockPackage> };
  const keep = productionPackages(lock).filter((p) => existsSync(join(root, p))); // optional ones for other platforms are absent
  // nested paths are inside their parent's copy already
  const tops = keep.filter((p) => !keep.some((q) => q !== p && p.startsWith(`${q}/`)));
  await copyTrees(root, tops, out);
  // .bin links of production packages only (a link into a pruned dev package would dangle)
  const bin = join(root, 'node_modules/.bin');
  if (existsSync(bin)) {
    await mkdir(join(out, 'node_modules/.bin'), { recursive: true });
    for (const name of await readdir(bin)) {
      const target = await readlink(join(bin, name)).catch(() => undefined);
      if (target && existsSync(resolve(join(out, 'node_modules/.bin'), target))) await cp(join(bin, name), join(out, 'node_modules/.bin', name), { verbatimSymlinks: true });
    }
  }
  return tops.length;
}

export type StagedContext = { dir: string; project: string; containerfile: string; nodeVersion: string; packages: number; close: () => Promise<void> };

export async function stageContext(root: string, files: readonly string[], parent: string): Promise<StagedContext> {
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'step-image-context-'));
  try {
    const node = await nodeBinary(root);
    await place(node.path, join(dir, 'node'));
    const packages = await stageNodeModules(root, dir);
    for (const f of files) {
      const from = join(root, f);
      if (!(await stat(from)).isFile()) continue;
      await mkdir(dirname(join(dir, 'project', f)), { recursive: true });
      await copyFile(from, join(dir, 'project', f));
    }
    await writeFile(join(dir, 'project', FILE_LIST), `${files.join('\n')}\n`);
    return { dir, project: join(dir, 'project'), containerfile: join(dir, 'project', CONTAINERFILE), nodeVersion: node.version, packages, close: () => rm(dir, { recursive: true, force: true }) };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

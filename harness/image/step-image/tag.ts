// The step image's tag: `<package.json version>-<content hash>`, never `latest`. The hash covers
// every file of the project as git sees it (tracked plus untracked-but-not-ignored, paths and
// contents; k3s/image/Containerfile and package-lock.json are among them), so the manifests of a
// checkout always name the image built from exactly that checkout. Inside the image there is no
// .git: the staged file list (FILE_LIST) stands in for `git ls-files`, so the tag computed there
// is the tag the image was built under.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CiError } from '../../failure.ts';
import { runProcess } from '../../process/run.ts';

/** Written into the build context (and so into /opt/unidesk-ci): the files the hash covers. */
export const FILE_LIST = '.step-image-files';
const HASH_HEX = 12;

/** The project's files, sorted; from git when the root is a checkout, else from FILE_LIST. */
export async function projectFiles(root: string): Promise<string[]> {
  if (!existsSync(join(root, '.git'))) {
    const text = await readFile(join(root, FILE_LIST), 'utf8').catch(() => {
      throw new CiError('input', `${root} is neither a git checkout nor a step image copy (${FILE_LIST} missing): cannot tell which files make the step image`);
    });
    return text.split('\n').filter(Boolean).sort();
  }
  const r = await runProcess('git', ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  if (r.exitCode !== 0) throw new CiError('input', `git ls-files in ${root} failed`, { command: r.command, exitCode: r.exitCode, outputTail: r.tail });
  const files = [...new Set(r.stdout.split('\0').filter(Boolean))].filter((f) => f !== FILE_LIST && existsSync(join(root, f)));
  return files.sort();
}

/** Pure: sha256 over `path\0sha256(content)\n` per file in the given order. */
export function hashEntries(entries: ReadonlyArray<{ path: string; content: Buffer }>): string {
  const h = createHash('sha256');
  for (const e of entries) h.update(`${e.path}\0${createHash('sha256').update(e.content).digest('hex')}\n`);
  return h.digest('hex');
}

export type StepImageTag = { version: string; contentHash: string; tag: string; files: string[] };

export async function computeStepImageTag(root: string): Promise<StepImageTag> {
  const files = await projectFiles(root);
  const entries: Array<{ path: string; content: Buffer }> = [];
  // symlinks count by their target's content, as the build context copies them
  for (const path of files) entries.push({ path, content: await readFile(join(root, path)) });
  const pkg = JSON.parse((await readFile(join(root, 'package.json'), 'utf8')) as string) as { version?: unknown };
  if (typeof pkg.version !== 'string' || !/^[\w][\w.-]*$/.test(pkg.version)) throw new CiError('input', `${root}/package.json has no usable version (${JSON.stringify(pkg.version)})`);
  const contentHash = hashEntries(entries).slice(0, HASH_HEX);
  return { version: pkg.version, contentHash, tag: `${pkg.version}-${contentHash}`, files };
}

const cache = new Map<string, Promise<StepImageTag>>();

/** Memoised per root for one process (global setup and the install gate both ask). */
export function stepImageTag(root: string): Promise<StepImageTag> {
  let p = cache.get(root);
  if (!p) {
    p = computeStepImageTag(root);
    cache.set(root, p);
    p.catch(() => cache.delete(root));
  }
  return p;
}

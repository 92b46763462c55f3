// Reading manifests: a directory with kustomization.yaml (its `resources` order), a directory of
// *.yaml (name order), or one multi-document file. Each document is checked to be an object with
// apiVersion, kind and metadata.name; the message names the file and document.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { CiError } from '../failure.ts';
import { manifestSchema, type Manifest } from './objects.ts';

const imageMapping = z.strictObject({
  name: z.string().min(1),
  newName: z.string().min(1).optional(),
  newTag: z.string().min(1).optional(),
  digest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/)
    .optional(),
});
const kustomizationSchema = z.looseObject({ resources: z.array(z.string().min(1)).min(1), images: z.array(imageMapping).optional() });

export type SourcedManifest = { object: Manifest; file: string; index: number };

export async function loadManifests(path: string): Promise<SourcedManifest[]> {
  const info = await stat(path).catch(() => {
    throw new CiError('input', `manifests: ${path} does not exist`);
  });
  if (!info.isDirectory()) return parseManifestFile(path);
  const files = await manifestFiles(path);
  const out: SourcedManifest[] = [];
  for (const f of files) out.push(...(await parseManifestFile(f)));
  return out;
}

async function manifestFiles(dir: string): Promise<string[]> {
  const kustomization = join(dir, 'kustomization.yaml');
  const text = await readFile(kustomization, 'utf8').catch(() => undefined);
  if (text === undefined) {
    return (await readdir(dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(dir, f));
  }
  const parsed = kustomizationSchema.safeParse(parseAllDocuments(text)[0]?.toJS());
  if (!parsed.success) throw new CiError('input', `${kustomization}: expected a non-empty resources list (${parsed.error.issues[0]?.message})`);
  return parsed.data.resources.map((r) => join(dir, r));
}

/** The kustomization's `images:` (empty for a plain directory or a single file). */
export async function kustomizationImages(path: string): Promise<Array<z.infer<typeof imageMapping>>> {
  const kustomization = join(path, 'kustomization.yaml');
  const text = await readFile(kustomization, 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  const parsed = kustomizationSchema.safeParse(parseAllDocuments(text)[0]?.toJS());
  if (!parsed.success) throw new CiError('input', `${kustomization}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data.images ?? [];
}

export async function parseManifestFile(file: string): Promise<SourcedManifest[]> {
  const text = await readFile(file, 'utf8').catch((e: Error) => {
    throw new CiError('input', `manifests: cannot read ${file}: ${e.message}`);
  });
  return parseManifestText(text, file);
}

/** `List`, `ConfigMapList`, ...: what kubectl get prints, never an object the API server applies. */
export function isListKind(kind: unknown): kind is string {
  return typeof kind === 'string' && /List$/.test(kind);
}

export function listRefused(where: string, kind: string): CiError {
  return new CiError('input', `${where}: kind ${kind} is a list of objects, not an object the API server stores: write each item as its own document (---)`);
}

export function parseManifestText(text: string, file = '<inline>'): SourcedManifest[] {
  const out: SourcedManifest[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length) throw new CiError('input', `${file} document ${index + 1}: invalid YAML: ${doc.errors[0]!.message}`);
    const value = doc.toJS();
    if (value === null || value === undefined) return; // empty document (e.g. a trailing ---)
    if (isListKind((value as { kind?: unknown }).kind)) throw listRefused(`${file} document ${index + 1}`, (value as { kind: string }).kind);
    const parsed = manifestSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CiError('input', `${file} document ${index + 1}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    out.push({ object: parsed.data, file, index });
  });
  return out;
}

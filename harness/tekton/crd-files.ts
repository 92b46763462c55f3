// The upstream Tekton CRDs (Pipelines v1.12.0, Triggers v0.34.0) as data read from
// UNIDESK_CI_TEKTON_CRDS_DIR or ../shared/tekton (never copied into this repository).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { CiError } from '../failure.ts';
import { TEKTON_PIPELINES, TEKTON_TRIGGERS } from './versions.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const UPSTREAM_FOLDERS = [`pipeline-${TEKTON_PIPELINES.version}`, `triggers-${TEKTON_TRIGGERS.version}`];

export type CrdVersion = { name: string; served: boolean; storage: boolean; schema?: { openAPIV3Schema?: Record<string, unknown> } };
export type Crd = {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string> };
  spec: { group: string; scope: string; names: { kind: string; plural: string; singular?: string; listKind?: string; shortNames?: string[] }; versions: CrdVersion[] };
};

/** The upstream folder, or undefined when this machine has none. */
export function upstreamCrdsDir(env: Record<string, string | undefined> = process.env): string | undefined {
  const dir = env.UNIDESK_CI_TEKTON_CRDS_DIR ?? resolve(REPO_ROOT, '../shared/tekton');
  return UPSTREAM_FOLDERS.every((f) => existsSync(join(dir, f))) ? dir : undefined;
}

export async function loadUpstreamCrds(dir: string): Promise<Crd[]> {
  const out: Crd[] = [];
  for (const folder of UPSTREAM_FOLDERS) {
    const path = join(dir, folder);
    const files = (await readdir(path).catch(() => [] as string[])).filter((f) => f.endsWith('.yaml')).sort();
    if (!files.length) throw new CiError('input', `Tekton CRDs: ${path} has no *.yaml files (UNIDESK_CI_TEKTON_CRDS_DIR)`);
    for (const f of files) {
      for (const doc of parseAllDocuments(await readFile(join(path, f), 'utf8'))) {
        const v = doc.toJS() as Crd | null;
        if (v?.kind === 'CustomResourceDefinition') out.push(v);
      }
    }
  }
  return out;
}

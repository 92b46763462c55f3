// Shared by the manifest tests: k3s/ci as parsed objects, validators for core kinds
// (kubernetes-models) and Tekton kinds (upstream v1.12.0/v0.34.0 CRD schemas).
import * as models from 'kubernetes-models';
import { join } from 'node:path';
import { loadRenderedManifests, type Manifest } from '../../harness/kube/index.ts';
import { REPO_ROOT, crdValidators, loadUpstreamCrds, upstreamCrdsDir, type TektonValidator } from '../../harness/tekton/index.ts';

export const K3S_CI = join(REPO_ROOT, 'k3s/ci');

/** k3s/ci as install applies it: rendered for this checkout's step image tag. */
export async function k3sCiObjects(): Promise<Manifest[]> {
  return loadRenderedManifests(K3S_CI);
}

/** Upstream CRDs are required: CI has them; elsewhere point UNIDESK_CI_TEKTON_CRDS_DIR at a copy. */
let compiled: Promise<Map<string, TektonValidator>> | undefined;

/** Compiled once per test file: ajv over the upstream CRD schemas is seconds of CPU on a loaded 2-core machine. */
export function tektonValidators(): Promise<Map<string, TektonValidator>> {
  return (compiled ??= compileTektonValidators());
}

async function compileTektonValidators(): Promise<Map<string, TektonValidator>> {
  const dir = upstreamCrdsDir();
  if (!dir) {
    throw new Error('upstream Tekton CRDs not found: set UNIDESK_CI_TEKTON_CRDS_DIR to a folder with pipeline-v1.12.0/ and triggers-v0.34.0/ (CI provides ../shared/tekton)');
  }
  return crdValidators(await loadUpstreamCrds(dir));
}

export function validateTekton(validators: Map<string, TektonValidator>, o: Manifest): string[] {
  const [group, version] = o.apiVersion.split('/');
  const v = validators.get(`${group}/${version}/${o.kind}`);
  return v ? v(o) : [`no upstream schema for ${o.apiVersion} ${o.kind}`];
}

type ModelClass = new (data: unknown) => { validate(): void };

/** kubernetes-models class for a core kind: apps/v1 Deployment → models.apps.v1.Deployment. */
export function coreModel(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const key = group ? group.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase()).replace(/^(\w)/, (c) => c.toLowerCase()) : 'v1';
  const ns = (models as unknown as Record<string, Record<string, Record<string, ModelClass>>>)[key];
  return group ? ns?.[version!]?.[kind] : (ns as unknown as Record<string, ModelClass>)?.[kind];
}

export function validateCore(o: Manifest): string[] {
  const M = coreModel(o.apiVersion, o.kind);
  if (!M) return [`no kubernetes-models class for ${o.apiVersion} ${o.kind}`];
  try {
    new M(o).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    return errors?.map((x) => `${x.instancePath || '/'} ${x.message}`) ?? [(e as Error).message];
  }
}

export const isTekton = (o: Manifest) => /(^|\.)tekton\.dev\//.test(o.apiVersion);

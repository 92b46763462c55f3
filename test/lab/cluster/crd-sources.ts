// Where the CRD tests get their definitions: the upstream Tekton Pipelines CRDs when
// UNIDESK_CI_TEKTON_CRDS_DIR or ../shared/tekton exists (CI has it), and always the project's
// own small CRD, so both paths run as tested code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** The folder holding the pipeline-v1.12.0 CRDs, or undefined when none is available. */
export function tektonCrdsDir(env = process.env): string | undefined {
  const base = env.UNIDESK_CI_TEKTON_CRDS_DIR ?? join(REPO_ROOT, '../shared/tekton');
  for (const dir of [join(base, 'pipeline-v1.12.0'), base]) {
    if (existsSync(join(dir, '300-pipelinerun.yaml'))) return dir;
  }
  return undefined;
}

/**
 * The CRDs as client-node typed objects. KubernetesObjectApi serializes known kinds through
 * client-node's models, which read camelCase properties: a plain object loses its dashed keys
 * (x-kubernetes-preserve-unknown-fields). loadAllYaml gives the shape the serializer expects.
 */
export function loadCrds(dir: string): k8s.KubernetesObject[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => k8s.loadAllYaml(readFileSync(join(dir, f), 'utf8')) as k8s.KubernetesObject[])
    .filter((d) => d?.kind === 'CustomResourceDefinition');
}

/** A plain manifest as the typed object KubernetesObjectApi serializes correctly. */
export const typed = (o: object) => k8s.loadYaml<k8s.KubernetesObject>(stringify(o));

/** The project's own CRD: a namespaced Widget with the schema features the double honours. */
export const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.lab.unidesk.ai' },
  spec: {
    group: 'lab.unidesk.ai',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer' },
                  mode: { type: 'string', enum: ['fast', 'safe'] },
                  port: { 'x-kubernetes-int-or-string': true },
                  config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  note: { type: 'string', nullable: true },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

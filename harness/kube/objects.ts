// The object shapes the harness handles: plain manifests (zod-checked where they enter) and refs.
import { z } from 'zod';

export const manifestSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** What identifies an object: enough for read/delete. */
export type ObjectRef = { apiVersion: string; kind: string; name: string; namespace?: string };

export function refOf(o: Manifest): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace };
}

/** "Deployment unidesk-ci/code-queue-ci-read" or "Namespace unidesk-ci" — the way messages name objects. */
export function describeRef(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

export function asHeader(r: ObjectRef): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
  return { apiVersion: r.apiVersion, kind: r.kind, metadata: r.namespace ? { name: r.name, namespace: r.namespace } : { name: r.name } };
}

// Validation of Tekton objects against the upstream CRD schemas, the way `kubectl apply` with
// field validation Strict (kubectl's default) would: structural openAPIV3Schema, and an unknown
// field is an error except under x-kubernetes-preserve-unknown-fields.
import { Ajv, type ValidateFunction } from 'ajv';
import type { Crd } from './crd-files.ts';

type Schema = Record<string, unknown>;

/** Copy of a structural schema with additionalProperties:false where the API server would prune. */
function strict(schema: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([p, s]) => [p, strict(s)]));
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') {
      out[k] = strict(v as Schema);
    } else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) {
      out[k] = v.map((s: Schema) => strict(s));
    } else {
      out[k] = v;
    }
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  // metadata is validated by the API server itself, not by the CRD schema
  if (out.properties && (out.properties as Schema).metadata) (out.properties as Schema).metadata = { type: 'object' };
  return out;
}

export type TektonValidator = (o: unknown) => string[];

/** "group/version/Kind" → validator, for every served version with a schema. */
export function crdValidators(crds: readonly Crd[]): Map<string, TektonValidator> {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const out = new Map<string, TektonValidator>();
  for (const crd of crds) {
    for (const v of crd.spec.versions) {
      const schema = v.schema?.openAPIV3Schema;
      if (!v.served || !schema) continue;
      const fn: ValidateFunction = ajv.compile(strict(schema));
      out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, (o) =>
        fn(o) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`),
      );
    }
  }
  return out;
}

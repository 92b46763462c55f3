// Policy `build-isolation` (docs/build-isolation.md): nothing in k3s/ci is privileged, and the only
// added capabilities are those buildah needs to build without privilege, in the steps that run it (those mounting its storage):
// SETUID, SETGID and SETFCAP (writing the uid/gid map of the user namespace buildah re-executes in,
// uid 0 included), everything else dropped, no privilege escalation. Every `securityContext`
// anywhere in an object (Task steps and sidecars, Pipeline taskSpecs, pod templates) is judged.
import type { Manifest } from './objects.ts';

/** What buildah needs as root without CAP_SYS_ADMIN (verified in the lab: test/lab/artifact-build-isolation.test.ts). */
export const BUILDAH_CAPABILITIES = ['SETUID', 'SETGID', 'SETFCAP'] as const;
/** The Tasks whose gate step runs buildah. */
export const BUILDAH_TASKS = ['unidesk-ci-backend-core-artifact', 'unidesk-ci-dev-e2e'] as const;

/** Where buildah keeps images in a step (an emptyDir). */
const BUILDAH_STORAGE = '/var/lib/containers';

type Any = Record<string, any>;

export function buildIsolationRule(o: Manifest, add: (rule: string, message: string) => void): void {
  for (const { where, sc } of securityContextsIn(o as Any, '')) {
    const what = `${o.kind} ${o.metadata.name} ${where}`;
    if (sc.privileged === true) add('build-isolation', `${what}: privileged is refused; buildah runs unprivileged in a user namespace (docs/build-isolation.md)`);
    const added: string[] = sc.capabilities?.add ?? [];
    if (!added.length) continue;
    const buildah = o.kind === 'Task' && (BUILDAH_TASKS as readonly string[]).includes(o.metadata.name) && runsBuildah(o as Any, where);
    const extra = added.filter((c) => !(BUILDAH_CAPABILITIES as readonly string[]).includes(c));
    if (!buildah) add('build-isolation', `${what}: adds capabilities ${added.join(', ')}; only the buildah steps of ${BUILDAH_TASKS.join(', ')} add any`);
    else if (extra.length) add('build-isolation', `${what}: adds ${extra.join(', ')}; buildah needs only ${BUILDAH_CAPABILITIES.join(', ')}`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) add('build-isolation', `${what}: adds capabilities without dropping ALL first`);
    if (sc.allowPrivilegeEscalation !== false) add('build-isolation', `${what}: adds capabilities without allowPrivilegeEscalation: false`);
  }
}

/** A step of the Task that mounts buildah's storage (the gate step, not the record step). */
function runsBuildah(o: Any, where: string): boolean {
  const i = /^spec\.steps\[(\d+)\]$/.exec(where)?.[1];
  return i !== undefined && (o.spec.steps[Number(i)]?.volumeMounts ?? []).some((m: Any) => m.mountPath === BUILDAH_STORAGE);
}

/** Every `securityContext` in the object, with its owner's path (e.g. spec.steps[0]). */
function securityContextsIn(value: unknown, where: string, out: { where: string; sc: Any }[] = []): { where: string; sc: Any }[] {
  if (Array.isArray(value)) value.forEach((v, i) => securityContextsIn(v, `${where}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'securityContext' && v && typeof v === 'object') out.push({ where: where || '(top level)', sc: v as Any });
      else securityContextsIn(v, where ? `${where}.${k}` : k, out);
    }
  }
  return out;
}

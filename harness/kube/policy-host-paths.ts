// Policy `host-path`: no k3s/ci object reaches into the node's filesystem, except the dev-e2e
// Task, which imports the Code Queue image into native k3s containerd through the node socket.
// Every `hostPath` anywhere in an object (Task and Pipeline taskSpec volumes, pod templates,
// PersistentVolumes, resource templates) is judged; only that one volume passes.
import type { Manifest } from './objects.ts';

/** The k3s node's containerd socket (UNIDESK_CI_CONTAINERD_ADDRESS's default, harness/config.ts). */
export const NODE_CONTAINERD_SOCKET = '/run/k3s/containerd/containerd.sock';
/** The one hostPath volume allowed: this Task, `spec.volumes[]`, exactly this path and type. */
export const ALLOWED_HOST_PATH = { kind: 'Task', task: 'unidesk-ci-dev-e2e', path: NODE_CONTAINERD_SOCKET, type: 'Socket' } as const;

type Any = Record<string, any>;

export function hostPathRule(o: Manifest, add: (rule: string, message: string) => void): void {
  for (const { where, volume, hostPath } of hostPathsIn(o as Any, '')) {
    if (allowed(o as Any, where, hostPath)) continue;
    const what = `${o.kind} ${o.metadata.name} ${volume ? `volume ${volume}` : where}`;
    add(
      'host-path',
      `${what}: hostPath ${hostPath?.path ?? '(no path)'}${hostPath?.type ? ` (type ${hostPath.type})` : ''} is refused; the only hostPath in k3s/ci is ${ALLOWED_HOST_PATH.path} (type ${ALLOWED_HOST_PATH.type}) in Task ${ALLOWED_HOST_PATH.task}'s spec.volumes`,
    );
  }
}

type Found = { where: string; volume?: string; hostPath: Any | undefined };

/** Every `hostPath` key in the object, with its path (e.g. spec.volumes[1]) and its volume's name. */
function hostPathsIn(value: unknown, where: string, out: Found[] = []): Found[] {
  if (Array.isArray(value)) value.forEach((v, i) => hostPathsIn(v, `${where}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'hostPath') out.push({ where: where || '(top level)', volume: typeof (value as Any).name === 'string' ? (value as Any).name : undefined, hostPath: v as Any });
      else hostPathsIn(v, where ? `${where}.${k}` : k, out);
    }
  }
  return out;
}

function allowed(o: Any, where: string, hostPath: Any | undefined): boolean {
  return (
    o.kind === ALLOWED_HOST_PATH.kind &&
    o.metadata?.name === ALLOWED_HOST_PATH.task &&
    /^spec\.volumes\[\d+\]$/.test(where) &&
    hostPath?.path === ALLOWED_HOST_PATH.path &&
    hostPath?.type === ALLOWED_HOST_PATH.type
  );
}

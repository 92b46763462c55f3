// Evidence before deletion (chainsaw's `catch`, Tekton e2e's dump): events, pod logs and object
// YAML of a namespace, saved under <reportDir>/diagnostics/<run-id>/<namespace>/. Secrets are
// never dumped; everything written is redacted.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { redact } from '../redact.ts';
import type { Kube } from './kube.ts';

/** Kinds dumped as YAML; kinds the server does not serve are skipped. */
const DUMPED_KINDS: ReadonlyArray<[string, string]> = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'ReplicaSet'],
  ['v1', 'Pod'],
  ['v1', 'Service'],
  ['v1', 'ConfigMap'],
  ['tekton.dev/v1', 'PipelineRun'],
  ['tekton.dev/v1', 'TaskRun'],
];

export async function saveDiagnostics(kube: Kube, namespace: string, reportDir: string): Promise<string> {
  const dir = join(reportDir, 'diagnostics', kube.runId, namespace);
  await mkdir(join(dir, 'logs'), { recursive: true });
  const problems: string[] = [];
  const note = (what: string) => (e: Error) => void problems.push(`${what}: ${e.message}`);

  const events = await kube.core.listNamespacedEvent({ namespace }).catch(note('events'));
  if (events)
    await save(
      join(dir, 'events.yaml'),
      events.items.map((e) => ({ time: e.lastTimestamp ?? e.eventTime, type: e.type, reason: e.reason, object: `${e.involvedObject.kind}/${e.involvedObject.name}`, message: e.message })),
    );

  const objects: unknown[] = [];
  for (const [apiVersion, kind] of DUMPED_KINDS) {
    const list = await kube.objects.list(apiVersion, kind, namespace).catch(note(`list ${kind}`));
    if (list) objects.push(...list.items.map((o) => ({ ...o, apiVersion, kind })));
  }
  await writeFile(join(dir, 'objects.yaml'), redact(objects.map((o) => stringify(o)).join('---\n')));

  const pods = await kube.core.listNamespacedPod({ namespace }).catch(note('pods'));
  for (const pod of pods?.items ?? []) {
    const name = pod.metadata?.name ?? 'unnamed';
    for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      const text = await kube.core.readNamespacedPodLog({ name, namespace, container: c.name, tailLines: 2000 }).catch(note(`log ${name}/${c.name}`));
      if (typeof text === 'string') await writeFile(join(dir, 'logs', `${name}.${c.name}.log`), redact(text));
    }
  }
  if (problems.length) await writeFile(join(dir, 'problems.txt'), redact(problems.join('\n') + '\n'));
  kube.log(`diagnostics: namespace ${namespace} saved to ${dir}`);
  return dir;
}

async function save(file: string, value: unknown): Promise<void> {
  await writeFile(file, redact(stringify(value)));
}

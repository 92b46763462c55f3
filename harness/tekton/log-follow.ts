// Following a PipelineRun's step logs live, as `tkn pr logs -f` does: each TaskRun as soon as its
// pod exists, its steps one after another (a step's stream opens once it has started and ends when
// its container does), every line prefixed `[task : step] `. Returns when the run has finished and
// every stream has ended, or when the signal aborts.
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { CI_NAMESPACE } from '../config.ts';
import type { Kube } from '../kube/kube.ts';
import { isDone, succeededCondition } from './condition.ts';
import { listTaskRuns } from './follow.ts';
import { readPipelineRun, readTaskRun } from './pipelinerun.ts';
import type { TaskRun } from './run-objects.ts';

export type LogFollowOptions = { signal?: AbortSignal; onLine: (line: string) => void; intervalMs?: number };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
  });

export async function followPipelineRunLogs(kube: Kube, name: string, o: LogFollowOptions): Promise<void> {
  const followers = new Map<string, Promise<void>>();
  const interval = o.intervalMs ?? 200;
  while (!o.signal?.aborted) {
    const pr = await readPipelineRun(kube, name);
    for (const tr of await listTaskRuns(kube, name)) {
      if (followers.has(tr.metadata.name)) continue;
      const task = tr.metadata.labels?.['tekton.dev/pipelineTask'] ?? tr.metadata.name;
      followers.set(
        tr.metadata.name,
        followTaskRun(kube, tr.metadata.name, task, o).catch((e: Error) => o.onLine(`[${task}] (logs unavailable: ${e.message})`)),
      );
    }
    if (isDone(succeededCondition(pr))) break;
    await sleep(interval, o.signal);
  }
  await Promise.all(followers.values());
}

/** Steps in order; each streamed from its start to its end. */
async function followTaskRun(kube: Kube, name: string, task: string, o: LogFollowOptions): Promise<void> {
  for (let i = 0; !o.signal?.aborted; i++) {
    // wait for step i to start (or the TaskRun to end without it)
    let tr = await readTaskRun(kube, name);
    while (!o.signal?.aborted && !started(tr, i) && !isDone(succeededCondition(tr))) {
      await sleep(o.intervalMs ?? 200, o.signal);
      tr = await readTaskRun(kube, name);
    }
    const step = tr.status?.steps?.[i];
    const pod = tr.status?.podName;
    if (!step || !pod || !started(tr, i)) return;
    const follow = !step.terminated && !isDone(succeededCondition(tr));
    await streamContainer(kube, pod, step.container ?? `step-${step.name}`, follow, (line) => o.onLine(`[${task} : ${step.name}] ${line}`), o.signal).catch(() => undefined);
  }
}

function started(tr: TaskRun, i: number): boolean {
  const s = tr.status?.steps?.[i];
  return Boolean(s && (s.running || s.terminated));
}

function streamContainer(kube: Kube, pod: string, container: string, follow: boolean, onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = new PassThrough();
    let partial = '';
    let stopped = false;
    out.on('data', (chunk: Buffer) => {
      if (stopped) return;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    });
    out.on('end', () => {
      if (partial && !stopped) onLine(partial);
      resolve();
    });
    out.on('error', () => resolve());
    // on abort the lines stop here; the request is left to end with its container (aborting
    // client-node's request from outside throws inside its own abort listener)
    signal?.addEventListener('abort', () => ((stopped = true), resolve()), { once: true });
    new k8s.Log(kube.kc).log(CI_NAMESPACE, pod, container, out, { follow }).catch(reject);
  });
}

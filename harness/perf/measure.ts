// One measurement run: the cold overview first, then discovery, then the interleaved rounds.
// Progress lines while it runs; the wall time is kept to compare with the sum of request times.
import { discoverTraceTask, type DiscoveredTask } from './discovery.ts';
import { endpointPath } from './endpoints.ts';
import type { PlannedRequest } from './plan.ts';
import type { Probe } from './probe.ts';
import type { Sample } from './sample.ts';
import { ms } from './stats.ts';

export type Measurement = {
  task: DiscoveredTask;
  samples: Sample[];
  /** Wall time of the sampling loops (cold + rounds; discovery excluded), for the overhead ratio. */
  wallMs: number;
  /** Sum of the samples' total times. */
  requestMs: number;
  connectionsOpened: number;
};

export async function measure(probe: Probe, plan: readonly PlannedRequest[], log: (l: string) => void): Promise<Measurement> {
  const samples: Sample[] = [];
  const record = (s: Sample & { body?: string }) => {
    const { body: _body, ...sample } = s;
    samples.push(sample);
    log(
      `perf: ${s.cold ? 'cold ' : ''}${s.endpoint}[${s.index}] ${s.status ?? '---'} ttfb ${ms(s.ttfbMs ?? Infinity)} ms total ${ms(s.totalMs ?? Infinity)} ms ${s.bytes} B${s.newConnection ? ' (new connection)' : ''}${s.error ? ` error: ${s.error}` : ''}`,
    );
  };
  let start = performance.now();
  for (const p of plan.filter((x) => x.cold)) record(await probe.sample(p.endpoint, endpointPath(p.endpoint, undefined), p));
  let wallMs = performance.now() - start;
  const task = await discoverTraceTask(probe, { log });
  start = performance.now();
  for (const p of plan.filter((x) => !x.cold)) record(await probe.sample(p.endpoint, endpointPath(p.endpoint, task), p));
  wallMs += performance.now() - start;
  return {
    task,
    samples,
    wallMs,
    requestMs: samples.reduce((a, s) => a + (s.totalMs ?? 0), 0),
    connectionsOpened: probe.connections(),
  };
}

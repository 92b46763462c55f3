// npm run bench:perf — is the gate's probe an honest stopwatch?
// 1. The same endpoint (GET /api/tasks/overview of the reference Code Queue over the lab's real
//    PostgreSQL, the service in its own process) timed by the gate's probe and by a bare undici
//    loop, interleaved request by request (alternating who goes first), both on one kept-alive
//    connection. Ratio of medians: target within 2 % or 1 ms.
// 2. The gate's measurement (cold overview, discovery, interleaved rounds as budgeted in
//    k3s/ci/budgets.configmap.yaml): wall time of the sampling loops over the sum of request
//    times. Target ≤ 1.1.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'undici';
import { startLab } from '../fixtures/lab/index.ts';
import { freePort } from '../fixtures/lab/daemon.ts';
import { budgetsFromFile } from '../harness/budgets/source.ts';
import { measure } from '../harness/perf/measure.ts';
import { samplingPlan } from '../harness/perf/plan.ts';
import { createProbe } from '../harness/perf/probe.ts';
import { median, nearestRank } from '../harness/perf/stats.ts';
import { directTransport } from '../harness/perf/transport.ts';

const N = Number(process.env.BENCH_PERF_N ?? 300);
const ROOT = join(import.meta.dirname, '..');
const line = (s: string) => console.log(s);

await using lab = await startLab({ services: ['postgres'], log: () => undefined });
const port = await freePort();
const service = spawn(process.execPath, [join(ROOT, 'fixtures/code-queue/main.ts')], {
  env: { PATH: process.env.PATH, CODE_QUEUE_SERVICE_ROLE: 'read', DATABASE_URL: lab.env.LAB_CODE_QUEUE_DATABASE_URL, PORT: String(port) },
  stdio: 'ignore',
});
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 200) throw new Error('code-queue did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const path = '/api/tasks/overview';
  await using probe = createProbe(directTransport(base), { requestTimeoutMs: 30_000 });
  const bare = new Client(base, { pipelining: 1 });
  const bareOnce = async () => {
    const t0 = performance.now();
    const res = await bare.request({ path, method: 'GET' });
    await res.body.arrayBuffer();
    if (res.statusCode !== 200) throw new Error(`bare client: HTTP ${res.statusCode}`);
    return performance.now() - t0;
  };
  const probeOnce = async (i: number) => {
    const s = await probe.sample('overview', path, { index: i, cold: false });
    if (s.error) throw new Error(`probe: ${s.error}`);
    return s.totalMs!;
  };
  // warm both connections and the database
  for (let i = 0; i < 20; i++) {
    await probeOnce(i);
    await bareOnce();
  }
  const p: number[] = [];
  const b: number[] = [];
  line(`bench:perf — ${N} interleaved requests each of GET ${path} (${Math.round(Number((await fetch(base + path).then((r) => r.text())).length) / 1024)} KiB)`);
  for (let i = 0; i < N; i++) {
    if (i % 2 === 0) {
      p.push(await probeOnce(i));
      b.push(await bareOnce());
    } else {
      b.push(await bareOnce());
      p.push(await probeOnce(i));
    }
    if ((i + 1) % 100 === 0) line(`  … ${i + 1}/${N}`);
  }
  await bare.close();
  const mp = median(p);
  const mb = median(b);
  const ratio = mp / mb;
  const okRatio = Math.abs(ratio - 1) <= 0.02 || Math.abs(mp - mb) <= 1;
  line('');
  line('client               median ms   p95 ms (nearest-rank)');
  line(`gate probe           ${mp.toFixed(3).padStart(9)}   ${nearestRank(p, 95).toFixed(3).padStart(9)}`);
  line(`bare undici loop     ${mb.toFixed(3).padStart(9)}   ${nearestRank(b, 95).toFixed(3).padStart(9)}`);
  line(`ratio of medians probe/bare = ${ratio.toFixed(4)} (difference ${(mp - mb).toFixed(3)} ms) — target within 2 % or 1 ms: ${okRatio ? 'met' : 'NOT met'}`);
  line(`probe connections opened: ${probe.connections()} (one reused connection expected)`);

  // 2. the gate's own measurement pass, on a fresh probe (its first overview is a cold request to a fresh connection)
  const budgets = await budgetsFromFile(join(ROOT, 'k3s/ci/budgets.configmap.yaml'));
  const walls: number[] = [];
  for (let r = 0; r < 5; r++) {
    await using gateProbe = createProbe(directTransport(base), { requestTimeoutMs: 30_000 });
    const m = await measure(gateProbe, samplingPlan(budgets.budgets), () => undefined);
    walls.push(m.wallMs / m.requestMs);
    line(`gate measurement ${r + 1}: ${m.samples.length} samples, wall ${m.wallMs.toFixed(2)} ms / request sum ${m.requestMs.toFixed(2)} ms = ${(m.wallMs / m.requestMs).toFixed(4)}`);
  }
  const w = median(walls);
  line(`gate wall time over the sum of its request times, median of 5 passes = ${w.toFixed(4)} — target ≤ 1.1: ${w <= 1.1 ? 'met' : 'NOT met'}`);
  process.exitCode = okRatio && w <= 1.1 ? 0 : 1;
} finally {
  service.kill('SIGTERM');
  await new Promise((r) => service.once('exit', r));
}

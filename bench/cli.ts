// npm run bench:cli — the CLI wrapper's own cost: `unidesk-ci run --local --gate commit` against
// `vitest run --project commit` (what a Tekton step runs) on the same fixture (the lab's master),
// same environment, interleaved round by round. Prints the medians, the wrapper's overhead and the
// ratio (also paired per round, less sensitive to load drift on a shared machine).
// Wall time is what a user waits; on a shared 2-core machine it swings by seconds, so each side's
// CPU time (user + sys of its whole process tree, from GNU time) is printed too: it is what the
// wrapper adds when the machine is busy with other work.
// Knob: BENCH_ROUNDS (default 5).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATE_SERVICES, startLab } from '../fixtures/lab/index.ts';
import { childEnv, PROJECT_ROOT } from '../harness/report/junit-gate-run.ts';
import { benchRounds, loadAverage, median, paired } from './support.ts';

type Side = 'cli' | 'vitest';
type Sample = { wall: number; cpu: number };
const ARGS: Record<Side, (reportDir: string) => string[]> = {
  cli: (dir) => [join(PROJECT_ROOT, 'harness/cli/bin.js'), 'run', '--local', '--gate', 'commit', '--report-dir', dir],
  vitest: (dir) => [join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'commit', `--outputFile.junit=${join(dir, 'junit', 'commit.xml')}`],
};

/** Wall and CPU seconds of one side, from spawn to exit; a failed gate stops the bench. */
async function timed(side: Side, labEnv: Record<string, string>): Promise<Sample> {
  const dir = await mkdtemp(join(tmpdir(), `bench-cli-${side}-`));
  try {
    const env = childEnv({ ...labEnv, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', UNIDESK_CI_REVISION: 'master', UNIDESK_CI_REPORT_DIR: dir, NO_COLOR: '1' });
    const t0 = performance.now();
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', join(dir, 'cpu'), process.execPath, ...ARGS[side](dir)], { cwd: PROJECT_ROOT, env });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (c) => resolve({ code: c, out }));
    });
    const wall = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`bench: ${side} exited ${code}:\n${out.slice(-3000)}`);
    const [user, sys] = (await readFile(join(dir, 'cpu'), 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
    return { wall, cpu: user + sys };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rounds = benchRounds(5);
  await using lab = await startLab({ services: GATE_SERVICES.commit, log: (l) => console.log(l) });
  console.log('bench cli: warm-up (one run of each) ...');
  await timed('vitest', lab.env);
  await timed('cli', lab.env);
  const samples: Array<Record<Side, Sample>> = [];
  for (let i = 0; i < rounds; i++) {
    // alternate which goes first, so drift on a shared machine hits both sides alike
    const order: Side[] = i % 2 === 0 ? ['cli', 'vitest'] : ['vitest', 'cli'];
    const s = {} as Record<Side, Sample>;
    for (const side of order) s[side] = await timed(side, lab.env);
    samples.push(s);
    console.log(`bench cli: round ${i + 1}/${rounds}: unidesk-ci ${s.cli.wall.toFixed(2)} s (cpu ${s.cli.cpu.toFixed(2)} s), vitest ${s.vitest.wall.toFixed(2)} s (cpu ${s.vitest.cpu.toFixed(2)} s)`);
  }
  console.log('\nunidesk-ci run --local --gate commit vs vitest run --project commit (medians, interleaved rounds, one run)');
  console.log('measure  rounds  vitest (s)  unidesk-ci (s)  overhead (s)  ratio   paired overhead  paired ratio');
  for (const m of ['wall', 'cpu'] as const) {
    const [v, c, pd, pr] = paired(
      samples.map((s) => s.vitest[m]),
      samples.map((s) => s.cli[m]),
    );
    console.log(
      `${m.padEnd(7)}  ${String(rounds).padStart(6)}  ${v.toFixed(2).padStart(10)}  ${c.toFixed(2).padStart(14)}  ${(c - v).toFixed(2).padStart(12)}  ${(c / v).toFixed(3).padStart(5)}   ${pd.toFixed(2).padStart(15)}  ${pr.toFixed(3).padStart(12)}`,
    );
  }
  const pd = median(samples.map((s) => s.cli.wall - s.vitest.wall));
  console.log(`target: the wrapper adds <= 0.3 s (paired wall overhead): ${pd <= 0.3 ? 'met' : 'MISSED'}`);
  console.log(`load average during the run: ${loadAverage()} (the machine may be shared: compare the paired and cpu rows)`);
}

await main();

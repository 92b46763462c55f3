// npm run bench:commit — the commit gate (a whole `vitest run --project commit`, as Tekton calls it)
// against the same steps typed as bare commands, side by side in one run, interleaved round by
// round, on the small fixture (master) and the heavy variant (bench/heavy). Prints the medians,
// their difference (the harness's fixed overhead) and their ratio.
// Knobs: BENCH_ROUNDS_SMALL (default 5), BENCH_ROUNDS_HEAVY (default 3).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildUnideskRepo } from '../fixtures/repos/build.ts';
import { heavyVariant } from '../fixtures/repos/heavy.ts';
import { GATE_SERVICES, startLab } from '../fixtures/lab/index.ts';
import { runGate } from '../harness/report/junit-gate-run.ts';
import { toolPath } from '../harness/commit/commands.ts';
import { benchRounds, loadAverage, paired, timed } from './support.ts';

const exec = promisify(execFile);
type Fixture = { name: string; repoUrl: string; revision: string; rounds: number };
type Sample = { gate: number; bare: number };

/** The commit gate's steps as a CI engineer would type them, no harness involved. */
async function bare(f: Fixture, labEnv: Record<string, string>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-bare-'));
  try {
    const auth = Buffer.from(`${labEnv.UNIDESK_CI_GIT_USERNAME}:${labEnv.UNIDESK_CI_GIT_PASSWORD}`).toString('base64');
    const gitEnv = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.proxy',
      GIT_CONFIG_VALUE_0: labEnv.UNIDESK_CI_PROXY_URL,
      GIT_CONFIG_KEY_1: 'http.extraHeader',
      GIT_CONFIG_VALUE_1: `Authorization: Basic ${auth}`,
    };
    await exec('git', ['clone', '--quiet', '--no-checkout', f.repoUrl, join(dir, 'unidesk')], { env: gitEnv });
    const repo = join(dir, 'unidesk');
    await exec('git', ['checkout', '--quiet', '--detach', `origin/${f.revision}`], { cwd: repo });
    const env = { ...process.env, PATH: toolPath() };
    await exec('bun', ['install', '--frozen-lockfile'], { cwd: repo, env });
    await exec('bun', ['install', '--frozen-lockfile'], { cwd: join(repo, 'src'), env });
    await exec('bun', ['scripts/cli.ts', 'check', '--full', '--rust'], { cwd: repo, env: { ...env, UNIDESK_D601_RUST_CHECK: '1' }, maxBuffer: 64 << 20 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function gate(f: Fixture, labEnv: Record<string, string>): Promise<void> {
  const reportDir = await mkdtemp(join(tmpdir(), 'bench-gate-'));
  try {
    const run = await runGate({ gate: 'commit', reportDir, env: { ...labEnv, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', UNIDESK_CI_REPO_URL: f.repoUrl, UNIDESK_CI_REVISION: f.revision } });
    const bad = run.steps.filter((s) => s.status !== 'passed');
    if (run.exitCode !== 0 || run.steps.length !== 4 || bad.length) throw new Error(`bench: the commit gate did not pass on ${f.name}:\n${run.output.slice(-3000)}`);
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await using lab = await startLab({ services: GATE_SERVICES.commit, log: (l) => console.log(l) });
  console.log('bench: building the heavy variant (bench/heavy) ...');
  await buildUnideskRepo(join(lab.env.LAB_GIT_ROOT, 'unidesk-heavy.git'), { extraVariants: [heavyVariant(undefined, join(import.meta.dirname, '..', 'node_modules', '.bin', 'bun'))] });
  const fixtures: Fixture[] = [
    { name: 'small', repoUrl: lab.env.UNIDESK_CI_REPO_URL, revision: 'master', rounds: benchRounds(5, 'BENCH_ROUNDS_SMALL') },
    { name: 'heavy', repoUrl: lab.env.UNIDESK_CI_REPO_URL.replace(/unidesk\.git$/, 'unidesk-heavy.git'), revision: 'bench/heavy', rounds: benchRounds(3, 'BENCH_ROUNDS_HEAVY') },
  ];
  const results: Array<{ f: Fixture; samples: Sample[] }> = [];
  for (const f of fixtures) {
    console.log(`bench ${f.name}: warm-up (one bare run, one gate run) ...`);
    await bare(f, lab.env);
    await gate(f, lab.env);
    const samples: Sample[] = [];
    for (let i = 0; i < f.rounds; i++) {
      // alternate which goes first, so drift on a shared machine hits both sides alike
      const s: Sample = { gate: 0, bare: 0 };
      if (i % 2 === 0) {
        s.gate = await timed(() => gate(f, lab.env));
        s.bare = await timed(() => bare(f, lab.env));
      } else {
        s.bare = await timed(() => bare(f, lab.env));
        s.gate = await timed(() => gate(f, lab.env));
      }
      samples.push(s);
      console.log(`bench ${f.name}: round ${i + 1}/${f.rounds}: gate ${s.gate.toFixed(2)} s, bare ${s.bare.toFixed(2)} s`);
    }
    results.push({ f, samples });
  }
  console.log('\ncommit gate vs bare steps (medians, interleaved rounds, one run)');
  console.log('fixture  rounds  bare (s)  gate (s)  overhead (s)  ratio   paired overhead  paired ratio   target');
  for (const { f, samples } of results) {
    const [b, g, pd, pr] = paired(
      samples.map((s) => s.bare),
      samples.map((s) => s.gate),
    );
    const target = f.name === 'heavy' ? `ratio <= 1.05: ${g / b <= 1.05 ? 'met' : 'MISSED'}` : `overhead <= 1.5 s: ${g - b <= 1.5 ? 'met' : 'MISSED'}`;
    console.log(
      `${f.name.padEnd(8)} ${String(samples.length).padStart(6)}  ${b.toFixed(2).padStart(8)}  ${g.toFixed(2).padStart(8)}  ${(g - b).toFixed(2).padStart(12)}  ${(g / b).toFixed(3).padStart(5)}   ${pd.toFixed(2).padStart(15)}  ${pr.toFixed(3).padStart(12)}   ${target}`,
    );
  }
  console.log(`load average during the run: ${loadAverage()} (the machine may be shared: compare the paired columns)`);
}

await main();

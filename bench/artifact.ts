// npm run bench:artifact — the artifact gate (a whole `vitest run --project artifact`, as the
// Tekton step runs it) against raw `buildah build` + `buildah push` of the same commit, side by
// side in one run, interleaved round by round. Two sources: the small fixture (master) and a heavy
// variant whose backend-core context carries a 48 MB payload. A third column times the same
// publication in-process (harness/image/publish, no Vitest child), to split the gate's fixed cost
// into runner start-up and harness work. Before every sample the built image, its intermediate
// layers, the registry tag and the registry's layer cache are removed, so every side really builds
// and pushes. Then the build cache: cold vs warm publication from an empty build storage
// (bench/artifact-cache.ts). Knobs: BENCH_ROUNDS (default 3); BENCH_ONLY=cache runs only the latter.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GATE_SERVICES, startLab } from '../fixtures/lab/index.ts';
import { runGate } from '../harness/report/junit-gate-run.ts';
import { backendCoreLabels, BACKEND_CORE_DOCKERFILE } from '../harness/image/labels.ts';
import { loadConfig } from '../harness/config.ts';
import { publishBackendCoreImage } from '../harness/image/publish/index.ts';
import { benchRounds, deleteTag, median, timed } from './support.ts';
import { benchBuildCache, clearRepository } from './artifact-cache.ts';
import { buildCacheArgs, buildCacheRepository } from '../harness/image/build-cache.ts';
import { BACKEND_CORE_IMAGE } from '../harness/image/service-image.ts';

const exec = promisify(execFile);
type Env = Record<string, string>;
type Source = { name: string; commit: string; checkout: string; repoUrl: string };
const IDENT = { GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@unidesk.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@unidesk.invalid' };

/** Both sides start from the same state: no built image, no cached layers of it, no tag. */
async function reset(env: Env, commit: string): Promise<void> {
  const e = { ...process.env, ...env };
  await exec('buildah', ['rmi', '-f', `localhost/unidesk/backend-core:${commit}`], { env: e }).catch(() => undefined);
  await exec('buildah', ['rmi', '--prune'], { env: e }).catch(() => undefined);
  await deleteTag(env.UNIDESK_CI_REGISTRY, 'unidesk/backend-core', commit);
  await clearRepository(env.UNIDESK_CI_REGISTRY, 'unidesk/backend-core-cache');
}

async function raw(env: Env, s: Source): Promise<void> {
  const e = { ...process.env, ...env };
  const labels = Object.entries(backendCoreLabels({ commit: s.commit, sourceRepo: s.repoUrl, created: new Date().toISOString() })).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  const image = `localhost/unidesk/backend-core:${s.commit}`;
  // the same flags as the gate's build, the registry layer cache included (cleared by reset)
  const cache = buildCacheArgs(buildCacheRepository(env.UNIDESK_CI_REGISTRY, BACKEND_CORE_IMAGE));
  await exec('buildah', ['build', '--isolation', 'chroot', '--pull=missing', '--layers', ...cache, '-f', join(s.checkout, BACKEND_CORE_DOCKERFILE), '-t', image, ...labels, s.checkout], {
    env: e,
    maxBuffer: 64 << 20,
  });
  const dir = await mkdtemp(join(tmpdir(), 'bench-push-'));
  await exec('buildah', ['push', '--tls-verify=false', '--digestfile', join(dir, 'd'), image, `docker://${env.UNIDESK_CI_REGISTRY}/unidesk/backend-core:${s.commit}`], { env: e });
  await rm(dir, { recursive: true, force: true });
}

async function gate(env: Env, s: Source): Promise<void> {
  const reportDir = await mkdtemp(join(tmpdir(), 'bench-artifact-'));
  try {
    const run = await runGate({ gate: 'artifact', reportDir, env: { ...env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', UNIDESK_CI_REPO_URL: s.repoUrl, UNIDESK_CI_REVISION: s.commit } });
    const rebuilt = run.steps[3]?.properties['unidesk.image-rebuilt'];
    if (run.exitCode !== 0 || rebuilt !== 'true') throw new Error(`bench: the artifact gate did not build and pass on ${s.name}:\n${run.output.slice(-3000)}`);
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

async function harness(env: Env, s: Source): Promise<void> {
  const reportDir = await mkdtemp(join(tmpdir(), 'bench-harness-'));
  try {
    const e = { ...process.env, ...env, UNIDESK_CI_REPO_URL: s.repoUrl, UNIDESK_CI_REVISION: s.commit, UNIDESK_CI_REPORT_DIR: reportDir };
    const out = await publishBackendCoreImage({ config: loadConfig(e), env: e, log: () => undefined });
    if (!out.built) throw new Error(`bench: the publication reused an image on ${s.name}`);
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

const SIDES = { gate, harness, raw } as const;
type Side = keyof typeof SIDES;
const ORDERS: ReadonlyArray<readonly Side[]> = [
  ['gate', 'harness', 'raw'],
  ['raw', 'gate', 'harness'],
  ['harness', 'raw', 'gate'],
];

/**
 * A checkout of each source (for the raw side). The heavy commit lives in its own bare repository
 * next to the fixture, so the small fixture's clones stay small.
 */
async function sources(env: Env, work: string): Promise<Source[]> {
  const bare = join(env.LAB_GIT_ROOT, 'unidesk.git');
  const commits = JSON.parse(env.LAB_GIT_COMMITS) as Record<string, string>;
  const small = join(work, 'small');
  await exec('git', ['clone', '--quiet', bare, small]);
  await exec('git', ['checkout', '--quiet', '--detach', commits.master], { cwd: small });
  const heavyBare = join(env.LAB_GIT_ROOT, 'unidesk-artifact-heavy.git');
  await exec('git', ['clone', '--quiet', '--bare', '--single-branch', '--branch', 'master', bare, heavyBare]);
  const heavy = join(work, 'heavy');
  await exec('git', ['clone', '--quiet', heavyBare, heavy]);
  await writeFile(join(heavy, 'src/components/backend-core/payload.bin'), randomBytes(48 << 20));
  await exec('git', ['add', '-A'], { cwd: heavy });
  await exec('git', ['commit', '--quiet', '-m', 'bench: heavy backend-core context'], { cwd: heavy, env: { ...process.env, ...IDENT } });
  await exec('git', ['push', '--quiet', heavyBare, 'HEAD:refs/heads/master'], { cwd: heavy });
  const heavyCommit = (await exec('git', ['rev-parse', 'HEAD'], { cwd: heavy })).stdout.trim();
  return [
    { name: 'small (fixture master)', commit: commits.master, checkout: small, repoUrl: env.UNIDESK_CI_REPO_URL },
    { name: 'heavy (48 MB context)', commit: heavyCommit, checkout: heavy, repoUrl: env.UNIDESK_CI_REPO_URL.replace(/unidesk\.git$/, 'unidesk-artifact-heavy.git') },
  ];
}

async function main(): Promise<void> {
  const rounds = benchRounds(3);
  // the artifact gate makes no Kubernetes call: the cluster double is not part of what is timed
  await using lab = await startLab({ services: GATE_SERVICES.artifact.filter((s) => s !== 'cluster'), log: (l) => console.log(l) });
  const work = await mkdtemp(join(tmpdir(), 'bench-artifact-src-'));
  try {
    const table: string[] = [];
    for (const s of process.env.BENCH_ONLY === 'cache' ? [] : await sources(lab.env, work)) {
      console.log(`bench ${s.name}: warm-up ...`);
      await reset(lab.env, s.commit);
      await raw(lab.env, s);
      await reset(lab.env, s.commit);
      await gate(lab.env, s);
      await reset(lab.env, s.commit);
      await harness(lab.env, s);
      const times: Record<Side, number[]> = { gate: [], harness: [], raw: [] };
      for (let i = 0; i < rounds; i++) {
        // rotate which side goes first, so drift on a shared machine hits all alike
        for (const side of ORDERS[i % ORDERS.length]) {
          await reset(lab.env, s.commit);
          const t = await timed(() => SIDES[side](lab.env, s));
          times[side].push(t);
          console.log(`bench ${s.name}: round ${i + 1}/${rounds} ${side} ${t.toFixed(2)} s`);
        }
      }
      const [mg, mh, mr] = [median(times.gate), median(times.harness), median(times.raw)];
      table.push(
        `${s.name.padEnd(24)} raw build+push ${mr.toFixed(2).padStart(6)} s | gate ${mg.toFixed(2).padStart(6)} s  ratio ${(mg / mr).toFixed(2)}  (+${(mg - mr).toFixed(2)} s)` +
          ` | in-process publication ${mh.toFixed(2).padStart(6)} s  ratio ${(mh / mr).toFixed(2)}  (+${(mh - mr).toFixed(2)} s)`,
      );
    }
    const cache = await benchBuildCache(lab.env, rounds, (l) => console.log(l));
    if (table.length) console.log(`\nartifact gate vs raw buildah build + push (medians of ${rounds} interleaved rounds; target ratio <= 1.1)`);
    for (const line of [...table, ...cache]) console.log(line);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();

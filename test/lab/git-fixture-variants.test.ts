// The fixture monorepo itself, checked with the real tools: master is clean, each variant breaks
// exactly what it claims, the heavy variant's generated lockfile is current, and scripts/cli.ts
// keeps the seed's Rust boundary.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildUnideskRepo, type BuiltRepo } from '../../fixtures/repos/build.ts';
import { heavyVariant } from '../../fixtures/repos/heavy.ts';
import { git } from '../../harness/git/index.ts';
import { runProcess } from '../../harness/process/run.ts';
import { PROJECT_ROOT } from '../../harness/report/junit-gate-run.ts';
import { toolPath } from '../../harness/commit/commands.ts';

let tmp: string;
let repo: BuiltRepo;
const env = { ...process.env, PATH: toolPath() };
const BUN = join(PROJECT_ROOT, 'node_modules', '.bin', 'bun');

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fixture-variants-'));
  repo = await buildUnideskRepo(join(tmp, 'unidesk.git'), { extraVariants: [heavyVariant({ tsComponents: 3, tsFunctions: 2, rustModules: 2, rustFunctions: 3 }, BUN)] });
}, 120_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function checkout(branch: string): Promise<string> {
  const dir = join(tmp, branch.replace(/\//g, '-'));
  await git(['clone', '--quiet', '--branch', branch, '--', repo.bare, dir]);
  return dir;
}
const bun = (cwd: string, args: string[], extra: Record<string, string> = {}) => runProcess(BUN, args, { cwd, env: { ...env, ...extra }, timeoutMs: 180_000 });

describe('fixture repository', () => {
  test('master: frozen installs pass offline, the full check passes, deploy.json pins code-queue at an earlier commit', async () => {
    const dir = await checkout('master');
    expect((await bun(dir, ['install', '--frozen-lockfile'])).exitCode).toBe(0);
    expect((await bun(join(dir, 'src'), ['install', '--frozen-lockfile'])).exitCode).toBe(0);
    const check = await bun(dir, ['scripts/cli.ts', 'check', '--full', '--rust'], { UNIDESK_D601_RUST_CHECK: '1' });
    expect(check.exitCode, check.tail).toBe(0);
    expect(check.tail).toContain('check: 2 TypeScript component(s) ok');
    expect(check.tail).toContain('backend-core cargo check ok');
    const deploy = JSON.parse(await readFile(join(dir, 'deploy.json'), 'utf8'));
    expect(deploy.environments.dev.services).toEqual([expect.objectContaining({ id: 'code-queue', commit: repo.commits.tag })]);
    expect(await readFile(join(dir, 'src/components/backend-core/Dockerfile'), 'utf8')).toMatch(/^FROM docker\.io\/library\/busybox:1\.36\.1$/m);
  });
  test('--rust without UNIDESK_D601_RUST_CHECK=1 is refused with the boundary message', async () => {
    const dir = join(tmp, 'master');
    const r = await bun(dir, ['scripts/cli.ts', 'check', '--full', '--rust'], { UNIDESK_D601_RUST_CHECK: '' });
    expect(r.exitCode).toBe(3);
    expect(r.tail).toContain('only inside the D601 CI execution boundary');
    expect(r.tail).not.toContain('cargo check');
  });
  test('broken/stale-lockfile fails only the src/ frozen install', async () => {
    const dir = await checkout('broken/stale-lockfile');
    expect((await bun(dir, ['install', '--frozen-lockfile'])).exitCode).toBe(0);
    const r = await bun(join(dir, 'src'), ['install', '--frozen-lockfile']);
    expect(r.exitCode).not.toBe(0);
    expect(r.tail).toContain('lockfile had changes, but lockfile is frozen');
  });
  test('broken/ts-error and broken/rust-error fail the check with the compiler errors', async () => {
    const ts = await bun(await checkout('broken/ts-error'), ['scripts/cli.ts', 'check', '--full'], {});
    expect(ts.exitCode).not.toBe(0);
    expect(ts.tail).toMatch(/error TS2322/);
    const rs = await bun(await checkout('broken/rust-error'), ['scripts/cli.ts', 'check', '--full', '--rust'], { UNIDESK_D601_RUST_CHECK: '1' });
    expect(rs.exitCode).not.toBe(0);
    expect(rs.tail).toMatch(/error\[E0308\]/);
    expect(rs.tail).toContain('check: 2 TypeScript component(s) ok');
  });
  test('bench/heavy: the generated lockfile is current and the generated code checks', async () => {
    const dir = await checkout('bench/heavy');
    const install = await bun(join(dir, 'src'), ['install', '--frozen-lockfile']);
    expect(install.exitCode, install.tail).toBe(0);
    const check = await bun(dir, ['scripts/cli.ts', 'check', '--full', '--rust'], { UNIDESK_D601_RUST_CHECK: '1' });
    expect(check.exitCode, check.tail).toBe(0);
    expect(check.tail).toContain('check: 5 TypeScript component(s) ok');
  });
  test('the same fixture always gives the same commits', async () => {
    const again = await buildUnideskRepo(join(tmp, 'again.git'));
    expect(again.commits.master).toBe(repo.commits.master);
    expect(again.commits['broken/ts-error']).toBe(repo.commits['broken/ts-error']);
  });
});

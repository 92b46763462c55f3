// The commit gate — seed, "Pipeline Scope": each commit CI run performs
//  - git clone and checkout of the requested repository revision;
//  - bun install --frozen-lockfile at the repo root and src/ (check compiles all src/components);
//  - UNIDESK_D601_RUST_CHECK=1 bun scripts/cli.ts check --full --rust, so Rust backend-core is
//    checked only inside the D601 CI execution boundary.
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { defineGate } from '../../harness/vitest/gate.ts';
import { checkoutRevision, type Checkout } from '../../harness/commit/checkout.ts';
import { runRepoCommand, stepEnv, type RepoSandbox } from '../../harness/commit/commands.ts';
import { prepareSandbox } from '../../harness/commit/sandbox.ts';

const gate = defineGate('commit');
const { config, facts } = gate;
let checkout: Checkout | undefined;
let sandbox: RepoSandbox | undefined;
afterAll(async () => checkout?.[Symbol.asyncDispose]());

const repo = () => checkout!.dir;
const inRepo = (signal: AbortSignal, label: string, cwd: string, cmd: string, args: string[], env: Record<string, string> = {}) =>
  runRepoCommand({ label, cmd, args, cwd, user: sandbox!.user, env: stepEnv(config, env, sandbox), timeoutMs: config.waitMs, signal, timeoutClass: label === 'check' ? 'app' : 'infra.network' });
// the commands' own timeout (classified) fires before Vitest's (unclassified)
const STEP_TIMEOUT = config.waitMs + 30_000;

gate.step(
  'git clone and checkout of the requested revision',
  async ({ property, signal }) => {
    await property('revision', config.revision);
    if (config.repoUrl) await property('repository', config.repoUrl);
    checkout = await checkoutRevision(config, signal, (commit) => (facts.commit = commit));
    if (checkout.ref) await property('ref', checkout.ref);
    // code of the commit runs from the next step on: as another uid, with no credential to read
    sandbox = await prepareSandbox(checkout.dir, config.sandboxUid);
  },
  STEP_TIMEOUT,
);

gate.step(
  'bun install --frozen-lockfile at the repo root',
  async ({ signal }) => {
    await inRepo(signal, 'install-root', repo(), 'bun', ['install', '--frozen-lockfile']);
  },
  STEP_TIMEOUT,
);

gate.step(
  'bun install --frozen-lockfile in src/',
  async ({ signal }) => {
    await inRepo(signal, 'install-src', join(repo(), 'src'), 'bun', ['install', '--frozen-lockfile']);
  },
  STEP_TIMEOUT,
);

gate.step(
  'UNIDESK_D601_RUST_CHECK=1 bun scripts/cli.ts check --full --rust',
  async ({ signal }) => {
    await inRepo(signal, 'check', repo(), 'bun', ['scripts/cli.ts', 'check', '--full', '--rust'], { UNIDESK_D601_RUST_CHECK: '1' });
  },
  STEP_TIMEOUT,
);

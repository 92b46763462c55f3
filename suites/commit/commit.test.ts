// The commit gate — seed, "Pipeline Scope": each commit CI run performs
//  - git clone and checkout of the requested repository revision;
//  - bun install --frozen-lockfile at the repo root and src/ (check compiles all src/components);
//  - UNIDESK_D601_RUST_CHECK=1 bun scripts/cli.ts check --full --rust, so Rust backend-core is
//    checked only inside the D601 CI execution boundary.
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { defineGate } from '../../harness/vitest/gate.ts';
import { checkoutRevision, type Checkout } from './checkout.ts';
import { runRepoCommand, stepEnv } from './commands.ts';

const gate = defineGate('commit');
const { config, facts } = gate;
let checkout: Checkout | undefined;
afterAll(async () => checkout?.[Symbol.asyncDispose]());

const repo = () => checkout!.dir;
const inRepo = (label: string, cwd: string, cmd: string, args: string[], env: Record<string, string> = {}) =>
  runRepoCommand({ label, cmd, args, cwd, env: stepEnv(config, env), timeoutMs: config.waitMs });

gate.step('git clone and checkout of the requested revision', async ({ property, signal }) => {
  await property('revision', config.revision);
  if (config.repoUrl) await property('repository', config.repoUrl);
  checkout = await checkoutRevision(config, signal);
  facts.commit = checkout.commit;
  if (checkout.ref) await property('ref', checkout.ref);
});

gate.step('bun install --frozen-lockfile at the repo root', async () => {
  await inRepo('install-root', repo(), 'bun', ['install', '--frozen-lockfile']);
});

gate.step('bun install --frozen-lockfile in src/', async () => {
  await inRepo('install-src', join(repo(), 'src'), 'bun', ['install', '--frozen-lockfile']);
});

gate.step('UNIDESK_D601_RUST_CHECK=1 bun scripts/cli.ts check --full --rust', async () => {
  await inRepo('check', repo(), 'bun', ['scripts/cli.ts', 'check', '--full', '--rust'], { UNIDESK_D601_RUST_CHECK: '1' });
});

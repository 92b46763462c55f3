// A lab owner that gets SIGTERM (a cancelled TaskRun, Ctrl-C) leaves nothing behind: the git
// server and tinyproxy are stopped by PID and the lab's state dir is removed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { portOpen } from '../../fixtures/lab/daemon.ts';
import { PROJECT_ROOT } from '../../harness/report/junit-gate-run.ts';

const OWNER = `
import { startLab } from ${JSON.stringify(join(PROJECT_ROOT, 'fixtures/lab/index.ts'))};
const lab = await startLab({ services: ['proxy', 'git'], log: () => {} });
console.log(JSON.stringify({ dir: lab.dir, git: new URL(lab.env.UNIDESK_CI_REPO_URL).port, proxy: lab.env.LAB_PROXY_PORT }));
setInterval(() => {}, 1000);
`;

async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`still ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.each(['SIGTERM', 'SIGINT'] as const)('%s stops the lab daemons and removes its state dir', async (sig) => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', OWNER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<string | null>((r) => child.once('exit', (_c, s) => r(s)));
  const first = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0]);
    });
    child.once('exit', () => reject(new Error(`lab owner exited early: ${buf}`)));
  });
  const info = JSON.parse(first) as { dir: string; git: string; proxy: string };
  expect(existsSync(info.dir)).toBe(true);
  expect(await portOpen(Number(info.git))).toBe(true);
  expect(await portOpen(Number(info.proxy))).toBe(true);
  child.kill(sig);
  expect(await exited).toBe(sig);
  await until(async () => !(await portOpen(Number(info.git))) && !(await portOpen(Number(info.proxy))), 'listening');
  await until(() => !existsSync(info.dir), 'present');
});

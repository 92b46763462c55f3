// Running the real kubectl against a cluster double: one kubeconfig, a private HOME (kubectl's
// discovery and OpenAPI caches), no proxy variables; foreground runs with a deadline, background
// runs (get -w, logs -f) read while they stream.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Run = { code: number | null; stdout: string; stderr: string };

export type KubectlRunner = {
  (args: string[], o?: { timeoutMs?: number }): Promise<Run>;
  background(args: string[]): Streaming;
};

export type Streaming = { output: () => string; exited: Promise<Run>; child: ChildProcess; until(re: RegExp, timeoutMs?: number): Promise<string> };

export async function kubectlFor(binary: string, kubeconfig: string): Promise<KubectlRunner> {
  const home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(home, 'cache') };
  const start = (args: string[]): Streaming => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    return {
      child,
      exited,
      output: () => stdout,
      async until(re, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        while (!re.test(stdout)) {
          if (Date.now() > deadline || child.exitCode !== null) throw new Error(`kubectl ${args.join(' ')}: no ${re} in output: ${stdout}${stderr}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        return stdout;
      },
    };
  };
  const run = (async (args: string[], o: { timeoutMs?: number } = {}) => {
    const s = start(args);
    const timer = setTimeout(() => s.child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    const r = await s.exited;
    clearTimeout(timer);
    return r;
  }) as KubectlRunner;
  run.background = start;
  return run;
}

// --lab on the Tekton path: the embedded lab with its cluster double and Tekton controller, CI
// installed into it as an operator would (the step image of this checkout built or reused, k3s/ci
// applied, the Secrets created), then the command runs against it as against D601; the lab stops
// afterwards. The lab stops its daemons itself on Ctrl-C (fixtures/lab), so the command's own
// interrupt handling stands down here.
import type { Lab } from '../../../fixtures/lab/index.ts';

export const LAB_CI_SERVICES = ['proxy', 'git', 'registry', 'postgres', 'cluster', 'tekton'] as const;

export async function withLabCi<T>(
  base: Record<string, string | undefined>,
  say: (l: string) => void,
  fn: (env: Record<string, string | undefined>, interrupt: AbortSignal) => Promise<T>,
): Promise<T> {
  // the lab is test tooling: loaded only when asked for
  const { startLab } = await import('../../../fixtures/lab/index.ts');
  const { installLabCi } = await import('../../../fixtures/lab/tekton/ci.ts');
  const started = Date.now();
  const lab: Lab = await startLab({ services: LAB_CI_SERVICES, log: say });
  try {
    say(`lab: up in ${Math.round((Date.now() - started) / 1000)} s; installing CI (step image, k3s/ci, Secrets)`);
    await installLabCi(lab.env, say);
    const env = { ...base, ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1' };
    return await fn(env, new AbortController().signal);
  } finally {
    await lab.stop();
  }
}

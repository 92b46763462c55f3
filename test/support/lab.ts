// One lab per test file: started before the file's tests, stopped after them. The returned Lab
// reads through to the running one, so a file writes `const lab = useLab([...])` and uses
// `lab.env` / `lab.dir` in its tests and later hooks (hooks run in the order they are declared).
import { afterAll, beforeAll } from 'vitest';
import { startLab, type Lab, type LabServiceName } from '../../fixtures/lab/index.ts';

// a registry lab on a fresh machine first makes the step image's Debian base (mmdebstrap, cached after)
export function useLab(services: readonly LabServiceName[], timeoutMs = services.includes('registry') ? 600_000 : 180_000): Lab {
  let current: Lab | undefined;
  beforeAll(async () => {
    current = await startLab({ services, log: () => undefined });
  }, timeoutMs);
  afterAll(async () => {
    await current?.stop();
  });
  const running = (): Lab => {
    if (!current) throw new Error('the lab is not running: use it inside tests or hooks declared after useLab()');
    return current;
  };
  return {
    get dir() {
      return running().dir;
    },
    get env() {
      return running().env;
    },
    get services() {
      return running().services;
    },
    stop: () => running().stop(),
    [Symbol.asyncDispose]: () => running().stop(),
  };
}

/** A prewarm list ConfigMap (k3s/ci/prewarm-images.yaml format) holding the given images. */
export function prewarmListYaml(...images: string[]): string {
  const lines = images.map((i) => `    ${i}`).join('\n');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unidesk-ci-prewarm-images}\ndata:\n  images: |\n${lines}\n`;
}

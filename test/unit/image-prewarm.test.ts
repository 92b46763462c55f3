// The prewarm list format and the sustained-throughput judgement (with a steered clock).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parsePrewarmList } from '../../harness/image/prewarm/list.ts';
import { DEGRADATION, throughputMeter } from '../../harness/image/prewarm/throughput.ts';

const listOf = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unidesk-ci-prewarm-images}\ndata:\n  images: |\n${body}`;

describe('prewarm list', () => {
  test('the repository list parses into the images ci install prewarms', () => {
    const names = parsePrewarmList(readFileSync('k3s/ci/prewarm-images.yaml', 'utf8')).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['docker.io/oven/bun:1-debian', 'docker.io/alpine/git:2.45.2', 'docker.io/library/unidesk-code-queue:dev']));
    // Tekton's helpers come from the installed controller's args, the step image from the checkout
    expect(names.filter((n) => n.includes('tektoncd') || n.includes('unidesk/unidesk-ci'))).toEqual([]);
  });

  test('digest-pinned and commented lines', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    const images = parsePrewarmList(listOf(`    # helper\n    ghcr.io/x/y@${d}\n\n    oven/bun:1-debian\n`));
    expect(images.map((i) => i.name)).toEqual([`ghcr.io/x/y@${d}`, 'docker.io/oven/bun:1-debian']);
  });

  test.each([
    ['latest', '    alpine/git:latest\n', /mutable tag latest/],
    ['untagged', '    alpine/git\n', /not pinned/],
    ['empty', '    \n', /lists no image/],
    ['bad reference', '    Not A Ref\n', /invalid/],
  ])('%s is refused before anything is pulled', (_w, body, message) => {
    expect(() => parsePrewarmList(listOf(body))).toThrow(message);
  });

  test('another ConfigMap or no YAML is refused with the expected shape named', () => {
    expect(() => parsePrewarmList('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {images: "a:1"}\n')).toThrow(/expected ConfigMap unidesk-ci-prewarm-images/);
    expect(() => parsePrewarmList(': : :')).toThrow(/not YAML|expected ConfigMap/);
  });
});

describe('sustained pull throughput', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  test('below the floor over a full window → infra.network with the seed wording', () => {
    const c = clock();
    const m = throughputMeter('oven/bun:1-debian', { minBytesPerSec: 1_000_000, windowMs: 5_000, now: c.now });
    for (let i = 0; i < 50; i++) {
      c.advance(100);
      m.add(50_000); // 500 kB/s
    }
    const v = m.verdict();
    expect(v?.failureClass).toBe('infra.network');
    expect(v?.message).toContain(DEGRADATION);
    expect(v?.message).toMatch(/500 kB\/s/);
  });

  test('not judged before one full window; fast transfers pass', () => {
    const c = clock();
    const m = throughputMeter('x', { minBytesPerSec: 1_000_000, windowMs: 5_000, now: c.now });
    c.advance(4_000);
    m.add(10);
    expect(m.verdict()).toBeUndefined();
    for (let i = 0; i < 20; i++) {
      c.advance(100);
      m.add(500_000); // 5 MB/s
    }
    expect(m.verdict()).toBeUndefined();
  });

  test('a stall after a fast start is caught by the window, not hidden by the average', () => {
    const c = clock();
    const m = throughputMeter('x', { minBytesPerSec: 1_000_000, windowMs: 2_000, now: c.now });
    c.advance(100);
    m.add(50_000_000); // a fast burst...
    c.advance(3_000); // ...then nothing for 3 s
    expect(m.summary().bytesPerSec).toBeGreaterThan(1_000_000);
    expect(m.verdict()?.failureClass).toBe('infra.network');
  });
});

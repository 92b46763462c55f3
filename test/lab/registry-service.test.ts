// The lab registry service: a real Distribution registry on 127.0.0.1 only, the local base
// image in the lab's own buildah storage, a real containerd, and nothing left after stop.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLab, type Lab } from '../../fixtures/lab/index.ts';
import { portOpen } from '../../fixtures/lab/daemon.ts';
import { runProcess } from '../../harness/process/run.ts';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ services: ['registry'], log: () => undefined });
});
afterAll(async () => {
  await lab?.stop();
});

describe('lab registry service', () => {
  test('publishes a loopback registry that answers GET /v2/ with 200', async () => {
    expect(lab.env.UNIDESK_CI_REGISTRY).toMatch(/^127\.0\.0\.1:\d+$/);
    const res = await fetch(`http://${lab.env.UNIDESK_CI_REGISTRY}/v2/`);
    expect(res.status).toBe(200);
  });

  test('listens on 127.0.0.1 only (its config never names another interface)', () => {
    const config = readFileSync(`${lab.env.LAB_REGISTRY_DIR}/config.yml`, 'utf8');
    expect(config).toContain(`addr: ${lab.env.UNIDESK_CI_REGISTRY}`);
    const port = Number(lab.env.UNIDESK_CI_REGISTRY.split(':')[1]);
    // /proc/net/tcp lists listeners as hex ip:port; 0100007F is 127.0.0.1, 00000000 would be all interfaces
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    const listeners = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .filter((l) => l.includes(`:${hexPort} `) && / 0A /.test(l));
    expect(listeners.length).toBeGreaterThan(0);
    for (const l of listeners) expect(l.trim().split(/\s+/)[1]).toBe(`0100007F:${hexPort}`);
  });

  test('the base image exists in the lab storage, not in the system storage', async () => {
    expect(lab.env.CONTAINERS_STORAGE_CONF.startsWith(lab.dir)).toBe(true);
    const r = await runProcess('buildah', ['images', '--format', '{{.Name}}:{{.Tag}}'], { env: { ...process.env, ...lab.env } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(lab.env.LAB_BASE_IMAGE);
    const run = await runProcess('buildah', ['inspect', '--format', '{{.OCIv1.Config.Cmd}}', lab.env.LAB_BASE_IMAGE], { env: { ...process.env, ...lab.env } });
    expect(run.stdout).toContain('/bin/sh');
  });

  test('a real containerd answers on the published socket', async () => {
    const r = await runProcess('ctr', ['--address', lab.env.UNIDESK_CI_CONTAINERD_ADDRESS, 'version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Server:\s+Version:/);
  });

  test('stop leaves no listener and no directory behind', async () => {
    const port = Number(lab.env.UNIDESK_CI_REGISTRY.split(':')[1]);
    const dir = lab.dir;
    await lab.stop();
    expect(await portOpen(port)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});

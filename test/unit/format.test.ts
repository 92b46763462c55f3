// One formatter (Biome, biome.json: line width 200, the width the code already kept) checked in
// `npm test`: a file it would change fails here with Biome's diff; `npm run format` fixes it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');

test('every source file is as `biome format` writes it', { timeout: 60_000 }, () => {
  const r = spawnSync(BIOME, ['format', '--max-diagnostics=20', '.'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  // the check saw the project (a wrong root or an empty include would pass vacuously)
  expect(r.stdout + r.stderr).toMatch(/Checked ([2-9]\d{2}|\d{4,}) files/);
});

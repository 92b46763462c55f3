#!/usr/bin/env node
// Runs the TypeScript CLI through Node's own type stripping (Node >= 22.18; pinned 24 via node@24,
// which npx and npm scripts put first on PATH).
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`unidesk-ci needs Node >= 22.18 for TypeScript type stripping; this is ${process.version} at ${process.execPath}. Run it as \`npx unidesk-ci\` (uses the pinned node@24 from npm ci).`);
  process.exit(22);
}
// the CLI's modules, type-stripped and compiled, cached on disk (Node's compile cache in the temp
// dir; NODE_DISABLE_COMPILE_CACHE=1 turns it off): about 0.25 s less per command start
module.enableCompileCache?.();
import('./main.ts')
  .then((m) => m.main(process.argv.slice(2)))
  .then(
    (code) => process.exit(code),
    (err) => {
      console.error(`unidesk-ci: ${err && err.message ? err.message : err}`);
      process.exit(1);
    },
  );

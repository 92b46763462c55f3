#!/usr/bin/env node
// Runs the TypeScript CLI through Node's own type stripping (Node >= 22.18; pinned 24 via node@24).
import('./main.ts').then((m) => m.main(process.argv.slice(2))).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`unidesk-ci: ${err && err.message ? err.message : err}`);
    process.exit(1);
  },
);

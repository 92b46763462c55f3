// The closing table of `unidesk-ci install`: what applying k3s/ci created, changed or left
// unchanged, read from the `apply: <object> <outcome>` lines the install gate's setup printed
// (harness/kube/apply.ts), so the table is what really happened. Pure.
const LINE = /^(?:\[[\w-]+\] )?apply: (.+) (created|changed|unchanged)$/;

export function applyTable(output: string): string[] {
  const rows = output
    .split('\n')
    .map((l) => LINE.exec(l.trim()))
    .filter((m): m is RegExpExecArray => Boolean(m))
    .map((m) => [m[1], m[2]] as const);
  if (!rows.length) return [];
  const w = Math.max(6, ...rows.map(([o]) => o.length));
  const count = (k: string) => rows.filter(([, r]) => r === k).length;
  // the changes first: that is what the reader looks for
  const rank = { created: 0, changed: 1, unchanged: 2 } as Record<string, number>;
  const sorted = [...rows].sort((a, b) => rank[a[1]] - rank[b[1]]);
  return [
    '',
    'k3s/ci as applied:',
    `  ${'OBJECT'.padEnd(w)}  RESULT`,
    ...sorted.map(([o, r]) => `  ${o.padEnd(w)}  ${r}`),
    `  ${count('created')} created, ${count('changed')} changed, ${count('unchanged')} unchanged`,
  ];
}

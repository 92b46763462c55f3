// PLACEHOLDER: the CLI (run, later install/status/logs/...) is written by the foundation work.
export async function main(argv: string[]): Promise<number> {
  console.error(`unidesk-ci: not implemented yet (${argv.join(' ')})`);
  return 1;
}

// A testcase fact as one `<system-out>` line of the strict JUnit flavour: `name=value`, with the
// value's newlines and backslashes written as `\n` and `\\` so one fact stays one line.
export function encodeFact(name: string, value: string): string {
  return `${name}=${value.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n')}`;
}

/** `unidesk.x=value` lines back to properties; any other line is console output and ignored. */
export function decodeFacts(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(unidesk\.[\w.-]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
  }
  return out;
}

// Colours only where a person reads: a TTY, and never when NO_COLOR is set (no-color.org).
// Statuses are coloured by their tkn word; everything else stays plain.
export function colourEnabled(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY);
}

const CODES = { green: 32, red: 31, yellow: 33, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(text: string, colour: Colour, on: boolean): string {
  return on ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
}

/** A tkn status (`Succeeded`, `Failed(CouldntGetTask)`, `Running`...) in its colour. */
export function paintStatus(status: string, on: boolean): string {
  if (/^Succeeded/.test(status)) return paint(status, 'green', on);
  if (/^(Failed|Cancelled)/.test(status)) return paint(status, 'red', on);
  if (/^(Running|Pending|Started)/.test(status)) return paint(status, 'yellow', on);
  return status;
}

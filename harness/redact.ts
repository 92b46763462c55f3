// Secrets never reach a log, an error message or a report.
// Known secret values are registered once (from the run configuration); patterns catch the rest.

const secrets = new Set<string>();

/** Register a secret value (and its URL-encoded and base64 forms) for redaction. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  secrets.add(value);
  secrets.add(encodeURIComponent(value));
  secrets.add(Buffer.from(value).toString('base64'));
}

/** Register user:password the way it travels in a Basic Authorization header too. */
export function registerBasicAuth(username: string | undefined, password: string | undefined): void {
  registerSecret(password);
  if (username && password) registerSecret(`${username}:${password}`);
}

export const REDACTED = '***';

const PATTERNS: readonly RegExp[] = [
  // userinfo in URLs: scheme://user:pass@host
  /(?<=[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+(?=@)/gi,
  // Authorization headers (Basic/Bearer) wherever they are echoed
  /(?<=\bauthorization:\s*(?:basic|bearer)\s+)[A-Za-z0-9+/=._~-]+/gi,
  /(?<=\bextraheader=authorization:\s*(?:basic|bearer)\s+)[A-Za-z0-9+/=._~-]+/gi,
  // password=... in connection strings and key=value dumps
  /(?<=\bpassword=)[^\s&;'"]+/gi,
];

export function redact(text: string): string {
  let out = text;
  // longest first so a secret containing another is fully hidden
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  for (const p of PATTERNS) out = out.replace(p, REDACTED);
  return out;
}

/** For tests: forget registered secrets. */
export function clearSecrets(): void {
  secrets.clear();
}

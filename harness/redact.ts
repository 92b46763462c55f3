// Secrets never reach a log, an error message or a report.
// Known secret values are registered once (from the run configuration); patterns catch the rest.

const secrets = new Set<string>();
/** Secrets of 1–3 characters: replaced only where they stand alone (docs/commit-gate.md). */
const shortSecrets = new Set<string>();

/** Below this length a secret is redacted as a whole token only, never inside other text. */
export const SHORT_SECRET_LENGTH = 4;

/** Register a secret value (and its URL-encoded and base64 forms) for redaction. */
export function registerSecret(value: string | undefined): void {
  if (!value) return;
  for (const form of [value, encodeURIComponent(value), Buffer.from(value).toString('base64')]) {
    (form.length < SHORT_SECRET_LENGTH || value.length < SHORT_SECRET_LENGTH ? shortSecrets : secrets).add(form);
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  // a short secret inside a word is ordinary text ("ab" in "tab"): replaced only as its own token,
  // not touching letters, digits or an earlier `***`
  for (const s of [...shortSecrets].sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(`(?<![A-Za-z0-9*])${escape(s)}(?![A-Za-z0-9*])`, 'g'), REDACTED);
  }
  for (const p of PATTERNS) out = out.replace(p, REDACTED);
  return out;
}

/** For tests: forget registered secrets. */
export function clearSecrets(): void {
  secrets.clear();
  shortSecrets.clear();
}

// Credentials inside URL-valued configuration (proxy, perf base URL, metrics database): the
// password (and user:password, as it travels in a Basic Proxy-Authorization header) is registered
// for redaction in its decoded and encoded forms; an invalid URL is shown with its userinfo masked.
import { registerBasicAuth, registerSecret } from './redact.ts';

/** Register the credentials of a URL for redaction; a URL without a password registers nothing. */
export function registerUrlSecrets(value: string | undefined): void {
  if (!value) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return;
  }
  if (!url.password) return;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  // as written in the variable (may differ from the URL parser's re-encoding), as parsed, decoded
  const written = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@]*?:([^/?#]*)@/i.exec(value)?.[1];
  for (const p of new Set([written, url.password, decode(url.password)])) registerSecret(p);
  registerBasicAuth(decode(url.username), decode(url.password));
}

/** The value with any `user:password@` (or `user@`) before the host replaced by `***@`. */
export function maskUserinfo(value: string): string {
  return value.replace(/^([^/@]*\/\/)?[^/?#]*@/, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

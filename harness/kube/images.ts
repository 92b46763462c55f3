// Image reference pinning: a tag or a digest, never `latest`, never an implicit tag.
export type ImageRef = { name: string; tag?: string; digest?: string };

export function parseImageRef(ref: string): ImageRef {
  const [rest, digest] = ref.split('@', 2) as [string, string | undefined];
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, digest };
}

/** Why an image reference is not pinned, or undefined when it is. */
export function unpinnedReason(ref: string): string | undefined {
  const r = parseImageRef(ref.trim());
  if (r.digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(r.digest)) return `malformed digest in ${ref}`;
  if (r.tag === 'latest') return `${ref} uses the mutable tag latest`;
  if (r.tag === undefined && r.digest === undefined) return `${ref} has no tag or digest (implies latest)`;
  if (r.tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(r.tag)) return `malformed tag in ${ref}`;
  return undefined;
}

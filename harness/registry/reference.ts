// Image references the way containerd and the Distribution spec read them:
// [registry/]repository[:tag][@digest]. Docker Hub short names are normalised (oven/bun → docker.io/oven/bun).
import { CiError } from '../failure.ts';

export type ImageRef = {
  /** host[:port]; docker.io for Docker Hub short names. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
};

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

export function parseImageRef(ref: string): ImageRef {
  const bad = (why: string) => new CiError('input', `image reference ${JSON.stringify(ref)} is invalid: ${why}`);
  let rest = ref.trim();
  if (!rest || /\s/.test(rest)) throw bad('empty or contains whitespace');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad('the digest must be sha256:<64 hex>');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`tag ${JSON.stringify(tag)} is not a valid tag`);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  let registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (!REPOSITORY.test(repository)) throw bad(`repository ${JSON.stringify(repository)} is not a valid repository name`);
  return { registry, repository, tag, digest };
}

export function formatImageRef(r: ImageRef): string {
  return `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** The reference a manifest request uses: the digest when pinned, else the tag. */
export function manifestReference(r: ImageRef): string {
  const ref = r.digest ?? r.tag;
  if (!ref) throw new CiError('input', `image ${formatImageRef(r)} is not pinned by tag or digest`);
  return ref;
}

// Reading an image's labels and digest back from the registry: the tag resolves, the digest is
// the one the push reported, and the config blob carries every expected label with its value.
import { CiError } from '../failure.ts';
import type { RegistryClient } from './client.ts';
import { isIndex } from './media-types.ts';
import { imageConfig, imageManifest } from './schemas.ts';

export type RemoteImage = { digest: string; mediaType: string; labels: Record<string, string> };

/** The image behind repository:reference, or undefined when the tag does not exist. */
export async function readRemoteImage(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<RemoteImage | undefined> {
  const m = await client.manifest(repository, reference, signal);
  if (!m) return undefined;
  if (isIndex(m.mediaType)) throw new CiError('infra.registry', `${client.registry}/${repository}:${reference} is a multi-platform index; service images are published as single image manifests`);
  const parsed = imageManifest.safeParse(JSON.parse(m.body.toString('utf8')));
  if (!parsed.success) throw new CiError('infra.registry', `${client.registry}/${repository}:${reference}: manifest is not an image manifest (${parsed.error.issues[0]?.message})`);
  const config = imageConfig.parse(JSON.parse((await client.blob(repository, parsed.data.config.digest, signal)).toString('utf8')));
  return { digest: m.digest, mediaType: m.mediaType, labels: config.config?.Labels ?? {} };
}

/** Labels that are missing or differ from what is expected, as readable lines. */
export function labelMismatches(actual: Record<string, string>, expected: Record<string, string>): string[] {
  return Object.entries(expected)
    .filter(([k, v]) => actual[k] !== v)
    .map(([k, v]) => (k in actual ? `${k}=${JSON.stringify(actual[k])} (expected ${JSON.stringify(v)})` : `${k} missing (expected ${JSON.stringify(v)})`));
}

export async function verifyPublishedImage(
  client: RegistryClient,
  repository: string,
  tag: string,
  expected: { digest: string; labels: Record<string, string> },
  signal?: AbortSignal,
): Promise<RemoteImage> {
  const where = `${client.registry}/${repository}:${tag}`;
  const image = await readRemoteImage(client, repository, tag, signal);
  if (!image) throw new CiError('infra.registry', `${where} does not resolve after the push (the registry lost or never stored it)`);
  if (image.digest !== expected.digest) {
    throw new CiError('infra.registry', `${where} resolves to ${image.digest}, but the push reported ${expected.digest}`);
  }
  const wrong = labelMismatches(image.labels, expected.labels);
  if (wrong.length) throw new CiError('app', `${where} lacks required labels:\n  ${wrong.join('\n  ')}`);
  return image;
}

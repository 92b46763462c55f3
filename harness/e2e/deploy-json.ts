// deploy.json as UniDesk keeps it on origin/master: `environments.dev.services[]` pins each dev
// service at a commit. Parsing is pure; every refusal is `input` and names the file, the revision
// it was read from and the JSON path that is wrong, so whoever edited deploy.json knows what to fix.
import { CiError } from '../failure.ts';
import { FULL_SHA } from '../git/revision.ts';

export const DEPLOY_FILE = 'deploy.json';
export const DEV_SERVICE_ID = 'code-queue';

export type DevServicePin = { id: string; commit: string; index: number };

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The pinned commit of service `id` in environments.dev.services[]; `where` names the source. */
export function devServicePin(text: string, where: string, id: string = DEV_SERVICE_ID): DevServicePin {
  const fail = (why: string) =>
    new CiError('input', `${DEPLOY_FILE} on ${where}: ${why}`, { hint: `fix ${DEPLOY_FILE} on master: environments.dev.services[] needs {"id": "${id}", "commit": "<40-hex commit>"}` });
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw fail(`invalid JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw fail('the top level is not an object');
  const envs = doc.environments;
  if (!isObject(envs)) throw fail('no "environments" object');
  const dev = envs.dev;
  if (!isObject(dev)) throw fail(`no environments.dev (environments: ${Object.keys(envs).join(', ') || 'none'})`);
  const services = dev.services;
  if (!Array.isArray(services)) throw fail('environments.dev.services is not a list');
  const index = services.findIndex((s) => isObject(s) && s.id === id);
  if (index < 0) {
    const ids = services.map((s) => (isObject(s) && typeof s.id === 'string' ? s.id : '?'));
    throw fail(`environments.dev.services has no entry with id "${id}" (ids: ${ids.join(', ') || 'none'})`);
  }
  const commit = (services[index] as Record<string, Json>).commit;
  if (typeof commit !== 'string' || !FULL_SHA.test(commit)) {
    throw fail(`environments.dev.services[${index}].commit is ${JSON.stringify(commit)}: not a full 40-character lowercase commit`);
  }
  return { id, commit, index };
}

// Where budgets come from: the cluster (`unidesk-ci/unidesk-ci-budgets`) or, on laptops and with
// the direct transport, a ConfigMap YAML file named by UNIDESK_CI_BUDGETS_FILE.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { CiError } from '../failure.ts';
import { BUDGETS_CONFIGMAP, parseBudgets, type Budgets } from './schema.ts';

export async function budgetsFromFile(file: string): Promise<Budgets> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CiError('input', `UNIDESK_CI_BUDGETS_FILE=${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new CiError('input', `UNIDESK_CI_BUDGETS_FILE=${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  return parseBudgets(doc, file);
}

/** `read` returns the ConfigMap object or undefined when the server says 404. */
export async function budgetsFromCluster(namespace: string, read: () => Promise<unknown | undefined>): Promise<Budgets> {
  const cm = await read();
  const where = `${namespace}/${BUDGETS_CONFIGMAP}`;
  if (cm === undefined) {
    throw new CiError('input', `budgets ConfigMap ${where} not found: apply k3s/ci (unidesk-ci install) or set UNIDESK_CI_BUDGETS_FILE`);
  }
  return parseBudgets(cm, `cluster ${where}`);
}

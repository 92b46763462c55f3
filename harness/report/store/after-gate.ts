// The recording step every gate ends with (global teardown, after Vitest wrote the JUnit file):
// put the file in its flavour, then record the run in the results store. The verdict is in the
// file before the store is touched; if the store is down, a failed testcase of class infra.*
// ("record the gate run in the results store") is appended to the same file and the step fails,
// so the gate's own testcases stay as they were and the run still fails visibly.
import { writeFile } from 'node:fs/promises';
import type { Gate, RunConfig } from '../../config.ts';
import { CiError, failureClassOf } from '../../failure.ts';
import { redact } from '../../redact.ts';
import { withFlavour, type JUnitFlavour } from '../junit-flavour.ts';
import { parseJUnit, readJUnitText } from '../junit-read.ts';
import { runFingerprint } from './fingerprint.ts';
import { gateRunRecord } from './gate-run-record.ts';
import { recordGateRun } from './record.ts';
import { appendStoreFailure } from './store-failure.ts';

export const RECORD_STEP = 'record the gate run in the results store (unidesk_ci)';

export type AfterGate = { junitPath: string; gate: Gate; config: RunConfig; startedAt: Date; log?: (line: string) => void };

/** Returns what happened, for the console; throws (after amending the file) when recording failed. */
export async function recordAfterGate(o: AfterGate): Promise<'recorded' | 'not configured' | 'no JUnit file'> {
  const log = o.log ?? ((l: string) => console.log(l));
  const flavour: JUnitFlavour = o.config.junit;
  const xml = await readJUnitText(o.junitPath);
  if (typeof xml !== 'string') return 'no JUnit file';
  const flavoured = withFlavour(xml, flavour);
  if (flavoured !== xml) await writeFile(o.junitPath, flavoured);
  const url = o.config.metricsDatabaseUrl;
  if (!url) return 'not configured';
  try {
    const record = gateRunRecord(parseJUnit(flavoured), {
      runId: o.config.runId,
      gate: o.gate,
      pipelineRun: o.config.tekton.pipelineRun,
      taskRun: o.config.tekton.taskRun,
      revision: o.config.revision,
      startedAt: o.startedAt,
      durationMs: Date.now() - o.startedAt.getTime(),
      fingerprint: runFingerprint({ lab: o.config.lab, registry: o.config.registry, kubeContext: o.config.kube.context }),
      flavour,
      xml: flavoured,
    });
    await recordGateRun(url, record);
    log(`results store: recorded gate ${o.gate} of run ${o.config.runId} (${record.verdict}${record.failureClass ? `, ${record.failureClass}` : ''}, ${record.testcases.length} testcases)`);
    return 'recorded';
  } catch (e) {
    const error = e instanceof CiError ? e : new CiError(failureClassOf(e) ?? 'infra.network', `results store: ${redact((e as Error).message)}`);
    await writeFile(o.junitPath, appendStoreFailure(flavoured, { gate: o.gate, step: RECORD_STEP, failureClass: error.failureClass, message: error.message, flavour }));
    throw error;
  }
}

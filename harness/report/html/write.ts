// Write the report directory: index.html plus each shown run's JUnit as stored
// (runs/<run-id>/<gate>.xml), linked relatively so the directory can be copied anywhere.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReportData, ReportRun } from './model.ts';
import { renderPage } from './page.ts';
import { trendSvg } from './trend-plot.ts';

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
export const junitPathOf = (r: ReportRun) => `runs/${safe(r.runId)}/${safe(r.gate)}.xml`;

export async function writeHtmlReport(reportDir: string, data: ReportData): Promise<string> {
  await mkdir(reportDir, { recursive: true });
  for (const r of data.runs) {
    if (!r.junitXml) continue;
    const file = join(reportDir, junitPathOf(r));
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, r.junitXml);
  }
  const svgs = new Map<string, string>();
  for (const t of data.trends) svgs.set(t.budget, await trendSvg(t));
  const file = join(reportDir, 'index.html');
  await writeFile(
    file,
    renderPage(data, svgs, (r) => (r.junitXml ? junitPathOf(r) : undefined)),
  );
  return file;
}

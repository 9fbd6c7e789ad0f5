// Owns the checker's text output: the matrix (one row per design, CPU model, kernel kind
// and kind of caller, one column per check) and below it every failed check with what,
// where (address <symbol+offset> (file:line)), expected and actual.
import type { SubjectResult } from './matrix';
import { CHECK_IDS, CHECK_NAMES, hex, type CallerKind, type Finding } from './types';

const CALLER_NAMES: Readonly<Record<CallerKind, string>> = {
  sysinfo: 'AT_SYSINFO',
  dynsym: 'dynsym',
  'dynsym-dropped': 'dynsym dropped',
};

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatFinding(f: Finding): string {
  const where = f.where ? ` at ${hex(f.where.address)} <${f.where.symbol}>${f.where.source ? ` (${f.where.source})` : ''}` : '';
  return `${f.what}${where}: expected ${f.expected}, actual ${f.actual}`;
}

/** The matrix and the details of every failure. */
export function formatMatrix(results: readonly SubjectResult[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    for (const c of r.cells) {
      const marks = CHECK_IDS.map((id) => {
        const o = c.outcomes.find((x) => x.check === id);
        return o ? (o.pass ? 'ok' : 'FAIL') : '-';
      });
      rows.push([r.subject, c.config.cpu, c.config.kernel, CALLER_NAMES[c.config.caller], c.entry, ...marks]);
    }
  }
  const header = ['design', 'cpu', 'kernel', 'caller', 'entry', ...CHECK_IDS];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd();
  const out: string[] = [];
  out.push(`checks: ${CHECK_IDS.map((id) => `${id} ${CHECK_NAMES[id]}`).join(', ')}`);
  out.push('');
  out.push(line(header));
  for (const row of rows) out.push(line(row));
  for (const r of results) if (r.error) out.push(`${r.subject}: cannot be checked: ${r.error}`);
  const failures: string[] = [];
  for (const r of results) {
    for (const c of r.cells) {
      for (const o of c.outcomes) {
        if (o.pass) continue;
        failures.push(`FAIL ${r.subject} ${c.config.cpu}/${c.config.kernel} ${CALLER_NAMES[c.config.caller]} ${o.check} (${CHECK_NAMES[o.check]}): ${o.summary}`);
        for (const f of o.findings) failures.push(`  ${formatFinding(f)}`);
      }
    }
  }
  const cells = results.reduce((n, r) => n + r.cells.length, 0);
  const failed = results.reduce((n, r) => n + r.cells.reduce((m, c) => m + c.outcomes.filter((o) => !o.pass).length, 0), 0);
  out.push('');
  if (failures.length > 0) out.push(...failures, '');
  out.push(`${cells} configurations, ${cells * CHECK_IDS.length} checks: ${failed === 0 && !results.some((r) => r.error) ? 'all pass' : `${failed} failed`}`);
  return out.join('\n') + '\n';
}

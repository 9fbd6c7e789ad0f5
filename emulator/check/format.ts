// Owns the checker's text output: the matrix (one row per design, CPU model, kernel kind
// and kind of caller, one column per check) and below it the failures: every failed check
// of every configuration with what, where (address <symbol+offset> (file:line)), expected
// and actual (`details`), or each distinct failure once with the configurations it appears
// in (the same findings at the same source lines, addresses aside).
import type { SubjectResult } from './matrix';
import { CHECK_IDS, CHECK_NAMES, hex, type CallerKind, type CheckId, type Finding } from './types';

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

/** A finding without the addresses that differ between configurations (the vDSO's base, the stack). */
function findingKey(f: Finding): string {
  const place = f.where ? f.where.source ?? f.where.symbol.replace(/\+0x[0-9a-f]+$/, '') : '';
  return `${f.what.replace(/0x[0-9a-f]+/g, '#')} @ ${place}`;
}

/** The configurations of one group: "intel/compat64, amd/native32 × AT_SYSINFO, dynsym", or each in full when callers differ. */
function configurations(cells: ReadonlyArray<{ readonly cpu: string; readonly kernel: string; readonly caller: CallerKind }>): string {
  const byPair = new Map<string, string[]>();
  for (const c of cells) {
    const pair = `${c.cpu}/${c.kernel}`;
    byPair.set(pair, [...(byPair.get(pair) ?? []), CALLER_NAMES[c.caller]]);
  }
  const callerSets = new Set([...byPair.values()].map((callers) => callers.join(', ')));
  if (callerSets.size === 1) return `${[...byPair.keys()].join(', ')} × ${[...callerSets][0]}`;
  return [...byPair].map(([pair, callers]) => `${pair} (${callers.join(', ')})`).join(', ');
}

/** Each distinct failure once: the design, the check, the configurations, and its findings as the first of them saw them. */
function distinctFailures(results: readonly SubjectResult[]): string[] {
  const groups = new Map<string, { subject: string; check: CheckId; summary: string; findings: readonly Finding[]; cells: { cpu: string; kernel: string; caller: CallerKind }[] }>();
  for (const r of results) {
    for (const c of r.cells) {
      for (const o of c.outcomes) {
        if (o.pass) continue;
        const key = `${r.subject}\n${o.check}\n${o.findings.map(findingKey).join('\n')}`;
        const group = groups.get(key) ?? { subject: r.subject, check: o.check, summary: o.summary, findings: o.findings, cells: [] };
        group.cells.push(c.config);
        groups.set(key, group);
      }
    }
  }
  const out: string[] = [];
  for (const g of groups.values()) {
    out.push(`FAIL ${g.subject} ${g.check} (${CHECK_NAMES[g.check]}) on ${configurations(g.cells)}: ${g.summary}`);
    for (const f of g.findings) out.push(`  ${formatFinding(f)}`);
  }
  return out;
}

/** The matrix and the failures: each distinct one once (default), or every failed check of every configuration (`details`). */
export function formatMatrix(results: readonly SubjectResult[], options: { readonly details?: boolean } = {}): string {
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
  const failures: string[] = options.details ? [] : distinctFailures(results);
  for (const r of options.details ? results : []) {
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
  const distinct = options.details || failed === 0 ? '' : ` (${failures.filter((l) => l.startsWith('FAIL ')).length} distinct)`;
  out.push(`${cells} configurations, ${cells * CHECK_IDS.length} checks: ${failed === 0 && !results.some((r) => r.error) ? 'all pass' : `${failed} failed${distinct}`}`);
  return out.join('\n') + '\n';
}

// Owns the code lenses and what they open: on each ALTERNATIVE site (a block, or the use of a
// macro whose body holds one: alternative-view.ts), one lens per CPU
// model that shows the site as the kernel patches it (a read-only document, both kernel
// kinds); on each stub function (a global function that enters the kernel with int $0x80,
// sysenter or syscall), "Check contract", which runs the contract checker on the document
// built as a vDSO and turns failed checks into diagnostics on their lines, and "Debug", which
// the client turns into a launch of the stub as the vDSO under the shipped caller program,
// stopping at the function (emulator/debug/launch-schema.ts stubLaunchConfiguration).
import { basename } from 'node:path';
import { CPU_MODELS, type CpuModel, type KernelAbi } from '../toolchain/designs/options';
import { hexBytes } from './instructions';
import { builtImage, type StubSubject } from '../emulator/check/subject';
import { checkSubject } from '../emulator/check/matrix';
import { CHECK_NAMES } from '../emulator/check/types';
import type { Analysis, FileSource } from './analysis';
import type { ServerSettings } from './build-settings';
import { scanOf } from './semantic-tokens';
import { instructionsIn } from './instructions';
import { Op } from '../toolchain/isa/instruction';
import { kernelBuild, macroBodies, patchedSites, siteLines } from './alternative-view';
import { documentLine } from './diagnostics-assembler';
import { activeAlternatives } from './inactive';

export const SHOW_PATCHED_SITE = 'vdso-lab.showPatchedSite';
export const CHECK_CONTRACT = 'vdso-lab.checkContract';
export const DEBUG_STUB = 'vdso-lab.debugStub';

export interface LensFact {
  readonly line: number;
  readonly title: string;
  readonly command: string;
  readonly args: readonly unknown[];
}

/** Global functions whose code enters the kernel. */
export function stubFunctions(a: Analysis): Array<{ name: string; line: number }> {
  const out: Array<{ name: string; line: number }> = [];
  for (const s of a.module.symbols) {
    if (s.type !== 2 || s.binding === 'local' || !s.location) continue;
    // Only the function's own instructions (a search by offset, not a pass over the file's per function).
    const enters = instructionsIn(a, s.section, s.value, s.value + Math.max(s.size, 1)).some((f) => f.insn.op === Op.Int || f.insn.op === Op.Sysenter || f.insn.op === Op.Syscall);
    const line = documentLine(a, s.location.file, s.location.line);
    if (enters && line !== undefined) out.push({ name: s.name, line });
  }
  return out;
}

export function codeLenses(a: Analysis): LensFact[] {
  const out: LensFact[] = [];
  // Each assembled block written outside a .macro body, and each line where a macro use made a site.
  const bodies = macroBodies(a);
  const lines = new Set(activeAlternatives(a, scanOf(a).alternatives).map((b) => b.startLine).filter((l) => !bodies.some((m) => m.from <= l && l <= m.to)));
  for (const l of siteLines(a)) lines.add(l);
  for (const line of [...lines].sort((x, y) => x - y)) {
    for (const cpu of CPU_MODELS) out.push({ line, title: cpu, command: SHOW_PATCHED_SITE, args: [a.uri, line, cpu] });
  }
  for (const f of stubFunctions(a)) {
    out.push({ line: f.line, title: 'Check contract', command: CHECK_CONTRACT, args: [a.uri, f.name] });
    out.push({ line: f.line, title: 'Debug', command: DEBUG_STUB, args: [a.uri, f.name] });
  }
  return out;
}

/**
 * The read-only document a CPU lens opens: the site as patched for that CPU on each kernel
 * kind, each instruction as objdump -d prints one (address, bytes, text) in columns only as
 * wide as the site needs, so that it reads in an editor beside the source.
 */
export function patchedSiteText(a: Analysis, line: number, cpu: CpuModel, settings: ServerSettings, files: FileSource): string {
  const out = [`${basename(a.file)}:${line + 1}: the site as the kernel patches it for cpu ${cpu}`, ''];
  for (const p of patchedSites(a, line, settings, files).filter((x) => x.cpu === cpu)) {
    out.push(`kernel ${p.kernel}:`);
    if (!p.bytes || !p.code) {
      out.push(`  ${p.note ?? ''}`, '');
      continue;
    }
    out.push(`  bytes: ${hexBytes(p.bytes)}`);
    const width = Math.max(...p.code.map((l) => l.bytes.length));
    for (const l of p.code) out.push(`  ${l.address.toString(16)}:  ${l.bytes.padEnd(width)}  ${l.text.replace(/\s+/, ' ')}`);
    out.push('');
  }
  return out.join('\n');
}

export interface ContractProblem {
  readonly line: number;
  readonly message: string;
}

/** Runs the contract checker on the document built as a vDSO (every CPU model and kernel kind). */
export function checkContract(a: Analysis, abi: KernelAbi, settings: ServerSettings, files: FileSource): { summary: string; problems: ContractProblem[] } {
  const subject: StubSubject = {
    name: a.file,
    abi,
    image: (_cpu, kernel) => {
      const b = kernelBuild(a, kernel, settings, files);
      if (!b.image) throw new Error(b.error ?? 'no image');
      return builtImage(b.image, a.file, [b.analysis.module]);
    },
  };
  let result;
  try {
    result = checkSubject(subject);
  } catch (e) {
    return { summary: `the checker could not run: ${(e as Error).message}`, problems: [] };
  }
  if (result.error) return { summary: result.error, problems: [] };
  const problems = new Map<string, ContractProblem>();
  let failed = 0;
  for (const cell of result.cells) {
    for (const o of cell.outcomes) {
      if (o.pass) continue;
      failed++;
      for (const f of o.findings) {
        const m = f.where?.source ? /^(.*):(\d+)$/.exec(f.where.source) : null;
        const line = m ? documentLine(a, m[1]!, Number(m[2])) : undefined;
        const message = `check ${o.check} (${CHECK_NAMES[o.check]}) fails on ${cell.config.cpu}/${cell.config.kernel}/${cell.config.caller}: ${f.what}; expected ${f.expected}, got ${f.actual}`;
        const key = `${line ?? -1}:${o.check}:${f.what}`;
        if (!problems.has(key)) problems.set(key, { line: line ?? stubFunctions(a)[0]?.line ?? 0, message });
      }
    }
  }
  const cells = result.cells.length;
  return { summary: failed === 0 ? `every check holds on ${cells} configurations` : `${failed} failed checks over ${cells} configurations`, problems: [...problems.values()] };
}

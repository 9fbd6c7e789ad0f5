// Owns what an ALTERNATIVE site of a document becomes once the kernel patches it: the
// document is built per kernel kind as `vdso-lab alternatives` builds a .S (the stub rules of
// toolchain/designs/user-stub.ts, so #ifdef CONFIG_X86_64 picks the same branch), linked,
// and patched by the kernel model's apply_alternatives for each CPU model. Hover and code
// lenses show the result. A site is where GAS made it: an ALTERNATIVE written in a .macro
// body is a template (each use of the macro makes its own site, from the .if branch GAS took
// there), so the preview belongs to the line that uses the macro.
import type { AlternativeSite } from '../toolchain/asm/module';
import { linkStub } from '../toolchain/designs/user-stub';
import { CPU_MODELS, KERNEL_KINDS, type CpuModel, type KernelKind } from '../toolchain/designs/options';
import { disassembleBytes, type DisassembledLine } from '../toolchain/isa/disassemble';
import { applyAlternatives, readAlternatives } from '../emulator/kernel/vdso/alternatives';
import { analyze, type Analysis, type DocumentText, type FileSource } from './analysis';
import type { ServerSettings } from './build-settings';
import { documentLine } from './diagnostics-assembler';
import { sourceLine } from './analysis';
import { scanOf } from './semantic-tokens';

export interface PatchedSite {
  readonly cpu: CpuModel;
  readonly kernel: KernelKind;
  /** Undefined when the site is not assembled for this kernel (an #if) or the file does not build. */
  readonly bytes?: Uint8Array;
  readonly address?: number;
  readonly code?: readonly DisassembledLine[];
  readonly note?: string;
}

export interface KernelBuild {
  readonly analysis: Analysis;
  /** The linked image, or why there is none. */
  readonly image?: Uint8Array;
  readonly error?: string;
  /** Patched site bytes by CPU, keyed by the index of the site's first entry. */
  readonly patched: Map<CpuModel, ReturnType<typeof applyAlternatives> | string>;
}

const builds = new WeakMap<Analysis, Map<KernelKind, KernelBuild>>();

/** The analysis of the same document version for another kernel kind (the given one for its own). */
export function kernelBuild(a: Analysis, kernel: KernelKind, settings: ServerSettings, files: FileSource): KernelBuild {
  let byKernel = builds.get(a);
  if (!byKernel) builds.set(a, (byKernel = new Map()));
  const hit = byKernel.get(kernel);
  if (hit) return hit;
  const doc: DocumentText = { uri: a.uri, version: a.version, getText: () => a.text };
  const analysis = a.options.kernel === kernel ? a : analyze(doc, { ...settings, kernel }, files);
  const error = analysis.diagnostics.find((d) => d.severity === 'error');
  let out: KernelBuild;
  if (error) out = { analysis, error: `does not build: ${error.message}`, patched: new Map() };
  else {
    try {
      out = { analysis, image: linkStub(analysis.module, analysis.file), patched: new Map() };
    } catch (e) {
      out = { analysis, error: `does not link: ${(e as Error).message}`, patched: new Map() };
    }
  }
  byKernel.set(kernel, out);
  return out;
}

/** A .macro body of the document: its name and its lines (0-based) `.macro` to `.endm`. */
export interface MacroBody {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

const bodiesOf = new WeakMap<Analysis, readonly MacroBody[]>();

/**
 * The lines (0-based) `.macro` to `.endm` of the document's own macro bodies, as written,
 * found once per analysis (a hover on an ALTERNATIVE line asks on every lexeme of it).
 */
export function macroBodies(a: Analysis): readonly MacroBody[] {
  const hit = bodiesOf.get(a);
  if (hit) return hit;
  const out: MacroBody[] = [];
  let open: { name: string; from: number } | undefined;
  for (const l of scanOf(a).lexemes) {
    if (l.kind !== 'op') continue;
    const op = l.text.toLowerCase();
    if (op === '.macro' && !open) open = { name: /^\S*\s+([\w.$]+)/.exec(sourceLine(a, l.line).slice(l.start))?.[1] ?? '', from: l.line };
    else if (op === '.endm' && open) {
      out.push({ ...open, to: l.line });
      open = undefined;
    }
  }
  bodiesOf.set(a, out);
  return out;
}

/** The document lines (0-based, ascending) where the document's analysis has a site: a block written there or a macro use that made one. */
export function siteLines(a: Analysis): number[] {
  const lines = new Set<number>();
  for (const s of a.module.alternatives) if (s.location.file === a.file) lines.add(s.location.line - 1);
  return [...lines].sort((x, y) => x - y);
}

/** The sites (entries) of an analysis at one document line (0-based), in table order. */
export function sitesOnLine(a: Analysis, line: number): AlternativeSite[] {
  return a.module.alternatives.filter((s) => documentLine(a, s.location.file, s.location.line) === line);
}

/** What the site(s) at a document line become for every CPU model and kernel kind. */
export function patchedSites(a: Analysis, line: number, settings: ServerSettings, files: FileSource): PatchedSite[] {
  const out: PatchedSite[] = [];
  for (const kernel of KERNEL_KINDS) {
    const b = kernelBuild(a, kernel, settings, files);
    const sites = sitesOnLine(b.analysis, line);
    for (const cpu of CPU_MODELS) {
      if (sites.length === 0) {
        out.push({ cpu, kernel, note: 'not assembled for this kernel (#if)' });
        continue;
      }
      if (!b.image) {
        out.push({ cpu, kernel, note: b.error ?? 'no image' });
        continue;
      }
      let result = b.patched.get(cpu);
      if (result === undefined) {
        try {
          result = applyAlternatives(b.image, { cpu, kernel, fileName: a.file });
        } catch (e) {
          result = (e as Error).message;
        }
        b.patched.set(cpu, result);
      }
      if (typeof result === 'string') {
        out.push({ cpu, kernel, note: result });
        continue;
      }
      const index = b.analysis.module.alternatives.indexOf(sites[0]!);
      const entry = result.table.entries[index];
      if (!entry || entry.instrlen !== sites[0]!.length) {
        out.push({ cpu, kernel, note: 'the image\'s table does not match the assembled sites' });
        continue;
      }
      const steps = result.steps.filter((s) => s.entry.site === entry.site);
      const bytes = steps.length > 0 ? steps[steps.length - 1]!.after : readSite(b.image, entry.site, entry.instrlen);
      out.push({ cpu, kernel, bytes, address: entry.site, code: disassembleBytes(bytes, entry.site) });
    }
  }
  return out;
}

function readSite(image: Uint8Array, address: number, length: number): Uint8Array {
  const { view } = readAlternatives(image, 'vdso');
  const at = view.offsetOf(address, length);
  return at === undefined ? new Uint8Array(0) : image.slice(at, at + length);
}

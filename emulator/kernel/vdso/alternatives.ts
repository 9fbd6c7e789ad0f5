// Owns applyAlternatives: patching a vDSO image's bytes for one CPU model and kernel kind
// as the kernel's apply_alternatives does at boot (docs/kernel-facts.md §6): entries in table
// order, a later matching entry overwriting an earlier one, ALT_FLAG_NOT, the replacement
// copied and padded with 0x90, its relative branches fixed up, and every run of NOPs merged
// into one NOP from the kernel's table (the 64-bit table on a 64-bit kernel, the 32-bit
// vDSO included). The feature set per model follows what the emulated CPU reports
// (emulator/x86/cpuid.ts) plus what the kernel sets itself (SYSENTER32/SYSCALL32, ALWAYS).
import { InputError, hex } from '../../../toolchain/errors';
import { decode } from '../../../toolchain/isa/decoder';
import { DecodeStatus, type Instruction } from '../../../toolchain/isa/instruction';
import type { ElfFile } from '../../../toolchain/elf/types';
import { KERNEL_KINDS, type CpuModel, type KernelKind } from '../../../toolchain/designs/options';
import { hasRdtscpRdpid } from '../../x86/cpuid';
import { featureName, readAlternatives, type AltEntry, type AltLayout, type AltTable } from './alternatives-table';

export { featureName, featureWords, readAlternatives } from './alternatives-table';
export type { AltEntry, AltLayout, AltTable } from './alternatives-table';

/** Feature numbers (word*32+bit) that are the same in every release the layouts cover. */
export const FEATURE = {
  SEP: 0 * 32 + 11,
  SYSCALL: 1 * 32 + 11,
  SYSCALL32: 3 * 32 + 14,
  SYSENTER32: 3 * 32 + 15,
  ALWAYS: 3 * 32 + 21,
  RDTSCP: 1 * 32 + 27,
  RDPID: 16 * 32 + 22,
} as const;

/**
 * The boot CPU's feature bits the kernel tests. SEP and SYSCALL come from CPUID as the
 * model reports them (intel: SEP; amd: SEP and SYSCALL; generic: neither). A 64-bit kernel
 * sets SYSENTER32 on Intel (intel.c) and SYSCALL32 on AMD (amd.c); a 32-bit kernel sets
 * neither and never uses SYSCALL. ALWAYS is always set. RDTSCP and RDPID come from CPUID
 * as the intel and amd models report them (emulator/x86/cpuid.ts); the model has no SSE2, so
 * LFENCE_RDTSC stays clear.
 */
export function cpuFeatures(cpu: CpuModel, kernel: KernelKind): ReadonlySet<number> {
  const set = new Set<number>([FEATURE.ALWAYS]);
  if (cpu !== 'generic') set.add(FEATURE.SEP);
  if (cpu === 'amd') set.add(FEATURE.SYSCALL);
  if (hasRdtscpRdpid(cpu)) {
    set.add(FEATURE.RDTSCP);
    set.add(FEATURE.RDPID);
  }
  if (kernel === 'compat64') {
    if (cpu === 'intel') set.add(FEATURE.SYSENTER32);
    if (cpu === 'amd') set.add(FEATURE.SYSCALL32);
  }
  return set;
}

/** The kernel's BYTES_NOP tables (nops.h since ~5.13), by length. */
const NOPS_32: readonly (readonly number[])[] = [
  [],
  [0x90],
  [0x89, 0xf6],
  [0x8d, 0x76, 0x00],
  [0x8d, 0x74, 0x26, 0x00],
  [0x3e, 0x8d, 0x74, 0x26, 0x00],
  [0x8d, 0xb6, 0x00, 0x00, 0x00, 0x00],
  [0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00],
  [0x3e, 0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00],
];
const NOP5_64 = [0x0f, 0x1f, 0x44, 0x00, 0x00];
const NOP8_64 = [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00];
const NOPS_64: readonly (readonly number[])[] = [
  [],
  [0x90],
  [0x66, 0x90],
  [0x0f, 0x1f, 0x00],
  [0x0f, 0x1f, 0x40, 0x00],
  NOP5_64,
  [0x66, ...NOP5_64],
  [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
  NOP8_64,
  [0x2e, ...NOP8_64],
  [0x66, 0x2e, ...NOP8_64],
  [0x66, 0x66, 0x2e, ...NOP8_64],
];

/** The NOP of `length` bytes the given kernel patches in (lengths 1..ASM_NOP_MAX). */
export function kernelNop(kernel: KernelKind, length: number): readonly number[] | undefined {
  const table = kernel === 'compat64' ? NOPS_64 : NOPS_32;
  return length >= 1 && length < table.length ? table[length] : undefined;
}

const JMP8 = 0xeb;
const JMP32 = 0xe9;
const CALL = 0xe8;
const INT3 = 0xcc;

/** Writes one NOP of `len` bytes at buf[at], or (longer than ASM_NOP_MAX) a jump over INT3 filler. */
function addNop(buf: Uint8Array, at: number, len: number, kernel: KernelKind): void {
  const nop = kernelNop(kernel, len);
  if (nop) {
    buf.set(nop, at);
    return;
  }
  let p = at;
  if (len < 128) {
    buf[p] = JMP8;
    buf[p + 1] = len - 2;
    p += 2;
  } else {
    writeLe32(buf, p + 1, len - 5);
    buf[p] = JMP32;
    p += 5;
  }
  buf.fill(INT3, p, at + len);
}

function writeLe32(buf: Uint8Array, at: number, v: number): void {
  for (let i = 0; i < 4; i++) buf[at + i] = (v >>> (8 * i)) & 0xff;
}

/**
 * The first byte the kernel's instruction decoder records in insn.prefixes.bytes[]
 * (docs/kernel-facts.md §6): each distinct prefix once, in order; with four recorded, a last
 * prefix that repeats an earlier one swaps places with the fourth. Undefined when a fifth
 * distinct prefix stops that decoder (its opcode is then that prefix byte).
 */
function recordedFirstPrefix(buf: Uint8Array, at: number, count: number): number | undefined {
  const recorded: number[] = [];
  let last = 0;
  for (let k = 0; k < count; k++) {
    const b = buf[at + k]!;
    if (!recorded.includes(b)) {
      if (recorded.length === 4) return undefined;
      recorded.push(b);
    }
    last = b;
  }
  if (recorded.length === 4 && last !== recorded[3]) {
    const fourth = recorded[3]!;
    recorded.forEach((b, k) => { if (b === last) recorded[k] = fourth; });
  }
  return recorded[0] ?? 0;
}

/** The kernel's insn_is_nop: opcode 0x90 unless the first recorded prefix is F3 (PAUSE), or a 0f 1f NOPL. */
function isNop(buf: Uint8Array, at: number, end: number): { nop: boolean; length: number } | undefined {
  const i = decode(buf, at, 0, end);
  if (i.status === DecodeStatus.Truncated || i.status === DecodeStatus.TooLong || i.status === DecodeStatus.Invalid) return undefined;
  const first = recordedFirstPrefix(buf, at, i.prefixLength);
  const nop = first !== undefined && ((i.opcode === 0x90 && first !== 0xf3) || i.opcode === 0x0f1f);
  return { nop, length: i.length };
}

/**
 * The kernel's optimize_nops: instruction by instruction, a NOP and every NOP instruction
 * right after it (skip_nops) become one NOP; a NOP that ends the site is left as it is.
 */
function optimizeNops(buf: Uint8Array, kernel: KernelKind): void {
  const len = buf.length;
  for (let i = 0; i < len; ) {
    const insn = isNop(buf, i, len);
    if (!insn) return;
    let next = i + insn.length;
    if (insn.nop) {
      if (next === len) return;
      for (let more = isNop(buf, next, len); more?.nop; more = isNop(buf, next, len)) next += more.length;
      addNop(buf, i, next - i, kernel);
    }
    i = next;
  }
}

/**
 * How the patcher re-aims a relative branch of a replacement whose target lies outside it
 * (docs/kernel-facts.md §6, relocation): Jcc rel8 and JMP8 (`rel8`, kept only when the target
 * is within -128..127 of the patched place), Jcc rel32, JMP32 and CALL (`rel32`). Any other
 * relative branch (loop, loope, loopne, jecxz, and the 16-bit forms) is copied unchanged and
 * so lands `site - repl` bytes away from its target once patched in: `undefined`.
 */
export function branchRelocation(insn: Instruction): 'rel8' | 'rel32' | undefined {
  if (insn.status !== DecodeStatus.Ok || insn.opSize !== 4) return undefined;
  const op = insn.opcode;
  if ((op >= 0x70 && op <= 0x7f) || op === JMP8) return 'rel8';
  if ((op >= 0x0f80 && op <= 0x0f8f) || op === JMP32 || op === CALL) return 'rel32';
  return undefined;
}

/**
 * True when a branch target lies outside the replacement and the patcher must re-aim it. A
 * target exactly at the replacement's end counts as inside, as in the kernel's need_reloc
 * (docs/kernel-facts.md): such a branch is copied as it is and lands at the site's end.
 */
export function outsideReplacement(target: number, repl: number, replLen: number): boolean {
  return target < repl || target > repl + replLen;
}

/**
 * Fixes the relative branches of a replacement copied from `repl` to `site` (the current
 * kernel's relocation): Jcc rel8/rel32, JMP8, JMP32 and CALL whose target lies outside the
 * replacement keep pointing at it; a JMP32 that then fits in 8 bits becomes a JMP8 + INT3s.
 */
function relocate(buf: Uint8Array, replLen: number, site: number, repl: number, where: () => string): void {
  for (let i = 0; i < replLen; ) {
    const insn = decode(buf, i, repl + i, replLen);
    if (insn.status === DecodeStatus.Truncated || insn.status === DecodeStatus.TooLong) {
      throw new InputError(where(), `replacement byte ${i}`, 'replacement ends inside an instruction');
    }
    const op = insn.opcode;
    const kind = branchRelocation(insn);
    const target = insn.target >>> 0;
    if (kind && outsideReplacement(target, repl, replLen)) {
      const next = site + i + insn.length;
      const rel = (target - next) | 0;
      if (kind === 'rel8') {
        if (rel < -128 || rel > 127) throw new InputError(where(), `replacement byte ${i}`, `short branch to ${hex(target)} is out of reach from the site ${hex(site)}`);
        buf[i + insn.length - 1] = rel & 0xff;
      } else if (op === JMP32 && rel + 3 >= -128 && rel + 3 <= 127) {
        buf[i] = JMP8;
        buf[i + 1] = (rel + 3) & 0xff;
        buf.fill(INT3, i + 2, i + 5);
      } else {
        writeLe32(buf, i + insn.length - 4, rel);
      }
    }
    i += Math.max(1, insn.length);
  }
}

/** One entry's effect, in patch order. */
export interface AltStep {
  readonly entry: AltEntry;
  readonly feature: string;
  /** True when the feature test selected the replacement. */
  readonly applied: boolean;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
}

/** The net change at one site (what LoadedVdso.patches shows). */
export interface AltPatch {
  /** The site's address in the image (add the mapping base for a process address). */
  readonly address: number;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
  /** The feature of the last entry that put its replacement in, or `nops` when only NOPs were merged. */
  readonly feature: string;
}

/**
 * A site whose bytes already are one of its replacements as a kernel patches it in: the
 * image was copied out of a running kernel's memory (capture-host), which patched it for
 * the host's processor at boot. Its original bytes are gone.
 */
export interface HeldSite {
  readonly address: number;
  /** The feature whose replacement the image holds. */
  readonly feature: string;
  /**
   * True when no entry applies for the model's CPU and kernel, so the kernel would leave the
   * original there: the image cannot give it, and the site keeps the host's replacement.
   */
  readonly originalLost: boolean;
}

export interface AlternativesResult {
  /** A patched copy of the image (the input is not changed). */
  readonly bytes: Uint8Array;
  readonly table: AltTable;
  readonly steps: readonly AltStep[];
  /** Sites whose bytes changed, in address order. */
  readonly patches: readonly AltPatch[];
  /** Sites the image holds patched already (a vDSO captured from a running kernel), in address order. */
  readonly held: readonly HeldSite[];
}

/** One line for a model whose CPU or kernel needs originals that a captured image lost; undefined when none is lost. */
export function lostOriginalsWarning(fileName: string, held: readonly HeldSite[], site: (address: number) => string): string | undefined {
  const lost = held.filter((h) => h.originalLost);
  if (lost.length === 0) return undefined;
  const byFeature = new Map<string, number[]>();
  for (const h of lost) byFeature.set(h.feature, [...(byFeature.get(h.feature) ?? []), h.address]);
  const list = [...byFeature].map(([f, at]) => `${f} at ${site(at[0]!)}${at.length > 1 ? ` and ${at.length - 1} more` : ''}`).join('; ');
  return `${fileName}: patched by the running kernel for its own processor; this CPU model and kernel need the original where it holds ${list}: those sites keep the host's bytes`;
}

export interface AlternativesOptions {
  readonly cpu: CpuModel;
  readonly kernel: KernelKind;
  /** Force the struct alt_instr size; detected from the image when absent. */
  readonly layout?: AltLayout;
  /** The name errors use. */
  readonly fileName?: string;
  /** Override the feature set (tests, what-if views); default cpuFeatures(cpu, kernel). */
  readonly features?: ReadonlySet<number>;
}

/** Patches `image` (an ELF32 vDSO) for one CPU model and kernel kind. */
export function applyAlternatives(image: Uint8Array | ElfFile, options: AlternativesOptions): AlternativesResult {
  const fileName = options.fileName ?? (image instanceof Uint8Array ? 'vdso' : image.fileName);
  const { table, view } = readAlternatives(image, fileName, options.layout);
  const bytes = new Uint8Array(view.elf.bytes);
  const features = options.features ?? cpuFeatures(options.cpu, options.kernel);
  const steps: AltStep[] = [];
  const original = new Map<number, { before: Uint8Array; feature: string }>();
  const heldBy = new Map<number, string>();
  const entries = equalizedEntries(table.entries);
  for (const e of entries) {
    const siteAt = view.offsetOf(e.site, e.instrlen);
    const replAt = view.offsetOf(e.replacement, e.replacementlen);
    if (siteAt === undefined || replAt === undefined || e.replacementlen === 0 || heldBy.has(e.site)) continue;
    const present = bytes.subarray(siteAt, siteAt + e.instrlen);
    const where = () => `${fileName}: .altinstructions entry ${e.index}`;
    for (const kernel of KERNEL_KINDS) {
      let form: Uint8Array;
      try {
        form = patchedForm(bytes.subarray(replAt, replAt + e.replacementlen), e, kernel, where);
      } catch (err) {
        if (err instanceof InputError) break; // reported where the entry is applied, if it is
        throw err;
      }
      if (form.every((b, i) => b === present[i])) heldBy.set(e.site, (e.invert ? '!' : '') + featureName(e.feature, table.layout));
    }
  }
  for (const e of entries) {
    const where = () => `${fileName}: .altinstructions entry ${e.index}`;
    const siteAt = view.offsetOf(e.site, e.instrlen);
    const replAt = view.offsetOf(e.replacement, e.replacementlen);
    if (siteAt === undefined || (e.replacementlen > 0 && replAt === undefined)) {
      throw new InputError(fileName, `.altinstructions entry ${e.index}`, 'site or replacement outside the image');
    }
    const before = bytes.slice(siteAt, siteAt + e.instrlen);
    const name = featureName(e.feature, table.layout);
    const applied = features.has(e.feature) !== e.invert;
    const buf = new Uint8Array(e.instrlen);
    if (applied) {
      buf.set(patchedForm(bytes.subarray(replAt!, replAt! + e.replacementlen), e, options.kernel, where));
    } else {
      buf.set(before);
      optimizeNops(buf, options.kernel);
    }
    bytes.set(buf, siteAt);
    steps.push({ entry: e, feature: (e.invert ? '!' : '') + name, applied, before, after: buf });
    const first = original.get(e.site);
    if (!first) original.set(e.site, { before, feature: applied ? steps[steps.length - 1]!.feature : 'nops' });
    else if (applied) original.set(e.site, { before: first.before, feature: steps[steps.length - 1]!.feature });
  }
  const patches: AltPatch[] = [];
  for (const [address, { before, feature }] of original) {
    const at = view.offsetOf(address, before.length)!;
    const after = bytes.slice(at, at + before.length);
    if (after.some((b, i) => b !== before[i])) patches.push({ address, before, after, feature });
  }
  patches.sort((a, b) => a.address - b.address);
  const held = [...heldBy].map(([address, feature]) => ({
    address,
    feature,
    originalLost: !steps.some((st) => st.entry.site === address && st.applied),
  })).sort((a, b) => a.address - b.address);
  return { bytes, table, steps, patches, held };
}

/**
 * The entries as apply_alternatives patches them: consecutive entries for one site (a nested
 * ALTERNATIVE_2, whose inner entry is the shorter) all take the longest instrlen among them
 * (docs/kernel-facts.md §6).
 */
function equalizedEntries(entries: readonly AltEntry[]): AltEntry[] {
  const out = [...entries];
  for (let a = 0; a < out.length; ) {
    let b = a + 1;
    while (b < out.length && out[b]!.site === out[a]!.site) b++;
    const len = Math.max(...out.slice(a, b).map((e) => e.instrlen));
    for (let k = a; k < b; k++) if (out[k]!.instrlen !== len) out[k] = { ...out[k]!, instrlen: len };
    a = b;
  }
  return out;
}

/** A replacement as the kernel puts it at its site: padded with NOPs, branches fixed up, NOP runs merged. */
function patchedForm(replacement: Uint8Array, e: AltEntry, kernel: KernelKind, where: () => string): Uint8Array {
  const buf = new Uint8Array(e.instrlen);
  buf.set(replacement.subarray(0, e.instrlen));
  buf.fill(0x90, replacement.length);
  relocate(buf, replacement.length, e.site, e.replacement, where);
  optimizeNops(buf, kernel);
  return buf;
}

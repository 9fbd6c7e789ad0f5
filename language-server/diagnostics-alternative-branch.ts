// Owns the finding on a relative jump or call in an ALTERNATIVE replacement whose target the
// patcher cannot fix up. A replacement is assembled in .altinstr_replacement and copied to
// its site at boot; a branch to a place outside the replacement must be re-aimed then. The
// rule is the patcher's own (emulator/kernel/vdso/alternatives.ts branchRelocation, after
// the kernel's relocation of replacements, docs/kernel-facts.md §6): Jcc/JMP/CALL with a
// 32-bit displacement are re-aimed; Jcc/JMP with an 8-bit one only when the target is within
// -128..127 of the patched place; loop, loope, loopne, jecxz and the 16-bit forms never are.
// Targets come from the object's relocations (GAS relocates a branch to another section),
// else from the displacement inside .altinstr_replacement.
import { decode } from '../toolchain/isa/decoder';
import { formatAtt } from '../toolchain/isa/att-formatter';
import type { Instruction } from '../toolchain/isa/instruction';
import { OperandKind } from '../toolchain/isa/entry';
import type { AsmModule, AsmSection } from '../toolchain/asm/module';
import { branchRelocation, outsideReplacement } from '../emulator/kernel/vdso/alternatives';
import type { Analysis } from './analysis';
import type { Finding } from './diagnostic-types';
import { featureLabel } from './names';
import { decodedCodeOf, sectionOf } from './instructions';
import { siteFinding } from './diagnostics-alternatives';
import { quietSites } from './kept-sites';

const REPLACEMENTS = '.altinstr_replacement';

/** Where a branch goes: a section and offset, or an undefined symbol. */
type Target = { readonly section: string; readonly offset: number } | { readonly symbol: string };

function readSigned(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[at + i]!;
  const bits = 8 * size;
  return v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
}

/** The displacement field's size of a relative branch, or 0 for any other instruction. */
function displacementSize(i: Instruction): number {
  const ops = i.entry?.operands ?? [];
  if (ops.includes(OperandKind.Jb)) return 1;
  if (ops.includes(OperandKind.Jz)) return i.opSize;
  return 0;
}

function branchTarget(module: AsmModule, repl: AsmSection, at: number, i: Instruction, size: number): Target {
  const field = at + i.length - size;
  const rel = repl.relocations.find((r) => r.offset === field);
  if (!rel) return { section: REPLACEMENTS, offset: i.target };
  // REL: the field holds the addend; a pc-relative field's addend is (target - end of field).
  const addend = readSigned(repl.bytes, field, size) + size;
  if (rel.symbolIsSection) return { section: rel.symbol, offset: addend };
  const sym = module.symbols.find((s) => s.name === rel.symbol);
  if (!sym || sym.section === 'UND' || sym.section === 'ABS' || sym.section === 'COMMON') return { symbol: rel.symbol };
  return { section: sym.section, offset: sym.value + addend };
}

function describeTarget(t: Target): string {
  return 'symbol' in t ? t.symbol : `${t.section}+0x${t.offset.toString(16)}`;
}

/**
 * Sites whose replacement has no branch out of it (kept-sites.ts). A branch out depends on where
 * its target is, which an edit elsewhere can move: such a site is looked at again.
 */
const contained = quietSites();

export function alternativeBranchFindings(a: Analysis): Finding[] {
  const repl = sectionOf(a.module, REPLACEMENTS);
  if (!repl) return [];
  const out: Finding[] = [];
  for (const site of a.module.alternatives) {
    if (contained.has(site)) continue;
    let leaves = false;
    const start = site.replacementOffset;
    const end = start + site.replacementLength;
    // The replacement decoded from its start (shared with the other alternatives findings, and
    // by its bytes across analyses); an instruction with a displacement is decoded again at its
    // offset for its target.
    const code = decodedCodeOf(a, repl, start, end).instructions;
    for (let k = 0, at = start; k < code.length; at += code[k]!.length, k++) {
      const size = displacementSize(code[k]!);
      if (size === 0) continue;
      const i = decode(repl.bytes, at, at, end);
      const t = branchTarget(a.module, repl, at, i, size);
      const inside = t && 'section' in t && t.section === REPLACEMENTS && !outsideReplacement(t.offset, start, end - start);
      if (t && !inside) {
        leaves = true;
        const text = formatAtt(i).replace(/\s+\S+$/, ` ${describeTarget(t)}`);
        const kind = branchRelocation(i);
        let why: string | undefined;
        if (!kind) {
          why = 'the patcher re-aims only jmp, jcc and call with an 8- or 32-bit displacement, so this one would land as far from its target as the site is from the replacement';
        } else if (kind === 'rel8' && 'section' in t && t.section === site.section) {
          const distance = t.offset - (site.offset + (at - start) + i.length);
          if (distance < -128 || distance > 127) why = `patched in at the site, the target is ${distance} bytes away, out of an 8-bit displacement's reach (-128..127)`;
        }
        if (why) {
          const f = siteFinding(a, site, 'alternativeBranch', `\`${text}\` in the replacement for ${featureLabel(a, site)} branches out of the replacement, and the patcher cannot fix it up: ${why}`);
          if (f) out.push(f);
        }
      }
    }
    if (!leaves) contained.add(site);
  }
  return out;
}

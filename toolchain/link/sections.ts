// Owns mapping input sections onto output sections: each output section has a list of
// name globs (as a linker script's `*(.rodata*)`), inputs go to the first rule that matches
// in input order, and an output section's type, flags and alignment merge its inputs'.
import { SHT_NOBITS, SHT_PROGBITS } from '../elf/sections';
import { placeFrames, splitFrames, writeFrames } from './eh-frame';
import { sectionOutputSize } from './symbols';
import type { InputSection, OutputSection } from './types';

export interface SectionRule {
  readonly name: string;
  /** Input section names; a trailing `*` matches any suffix. */
  readonly patterns: readonly string[];
  /** What fills the gaps between inputs; default zeros. */
  readonly fill?: GapFill;
}

/**
 * Gap filler: a byte (a linker script's `=0x90909090`), or 'nops': GNU ld's i386 code
 * filler, `66 90` pairs with one `90` last when the gap is odd.
 */
export type GapFill = number | 'nops';

export function newOutputSection(name: string, type: number, flags: number, align: number, fill: GapFill = 0): OutputSection {
  return { name, type, flags, align, entsize: 0, link: 0, info: 0, inputs: [], size: 0, addr: 0, offset: 0, fill, data: new Uint8Array(0), index: 0 };
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/**
 * Output sections in rule order, each with its inputs in pattern order then link order; inputs no rule takes
 * are returned as orphans (the caller places them). Input .eh_frame sections are split
 * into CIE/FDE pieces and merged.
 */
export function assignSections(inputs: readonly InputSection[], rules: readonly SectionRule[]): { sections: OutputSection[]; orphans: InputSection[] } {
  const sections = rules.map((r) => newOutputSection(r.name, SHT_PROGBITS, 0, 1, r.fill ?? 0));
  const orphans: InputSection[] = [];
  // A script's `*(.rodata*) *(.data*)` takes every .rodata input before any .data input.
  const taken: { input: InputSection; rule: number; pattern: number; order: number }[] = [];
  inputs.forEach((input, order) => {
    for (let rule = 0; rule < rules.length; rule++) {
      const pattern = rules[rule]!.patterns.findIndex((p) => matches(p, input.section.name));
      if (pattern >= 0) {
        taken.push({ input, rule, pattern, order });
        return;
      }
    }
    orphans.push(input);
  });
  taken.sort((x, y) => x.rule - y.rule || x.pattern - y.pattern || x.order - y.order);
  for (const t of taken) addInput(sections[t.rule]!, t.input);
  return { sections, orphans };
}

/** Adds an input to an output section, merging its type and flags (as ld, even when empty). */
export function addInput(out: OutputSection, input: InputSection): void {
  const s = input.section;
  if (out.inputs.length === 0) out.type = s.type;
  else if (out.type !== s.type) out.type = out.type === SHT_NOBITS || s.type === SHT_NOBITS ? SHT_PROGBITS : out.type;
  out.flags |= s.flags & 0x7; // SHF_WRITE | SHF_ALLOC | SHF_EXECINSTR
  out.align = Math.max(out.align, s.addralign || 1);
  if (s.name === '.eh_frame') input.pieces = splitFrames(input);
  out.inputs.push(input);
  input.output = out;
}

/** Places each input at its aligned offset; returns the output section's size. */
export function sizeSection(out: OutputSection): number {
  if (out.inputs.length > 0 && out.inputs.every((i) => i.pieces)) {
    out.size = placeFrames(out.inputs);
    return out.size;
  }
  let offset = 0;
  for (const input of out.inputs) {
    offset = alignUp(offset, input.section.addralign || 1);
    input.outputOffset = offset;
    offset += sectionOutputSize(input);
  }
  out.size = offset;
  return offset;
}

/** Copies the inputs' bytes into `out.data` (zeros for NOBITS, the section's filler in the gaps). */
export function fillSection(out: OutputSection): void {
  const data = new Uint8Array(out.size);
  out.data = data;
  if (out.inputs.length > 0 && out.inputs.every((i) => i.pieces)) {
    writeFrames(out.inputs, data);
    return;
  }
  let pos = 0;
  for (const input of out.inputs) {
    fillGap(data.subarray(pos, input.outputOffset), out.fill);
    if (input.section.type !== SHT_NOBITS) data.set(input.section.data, input.outputOffset);
    pos = input.outputOffset + input.section.size;
  }
}

function fillGap(gap: Uint8Array, fill: GapFill): void {
  if (fill === 'nops') {
    for (let i = 0; i + 1 < gap.length; i += 2) gap.set([0x66, 0x90], i);
    if (gap.length % 2 === 1) gap[gap.length - 1] = 0x90;
  } else if (fill !== 0) {
    gap.fill(fill);
  }
}

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

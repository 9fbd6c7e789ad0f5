// Owns printing a parsed frame section exactly as GNU readelf 2.40 prints it with
// --debug-dump=frames (each instruction) and --debug-dump=frames-interp (the CFI table
// of each CIE and FDE: LOC, CFA and one column per register used).
import { advancesLocation, CfiInterpreter, EMPTY_STATE, fdeInterpreter } from './rows';
import { formatExpression } from './readelf-expression';
import { I386_REGISTER_TABLE_SIZE, regname } from './registers';
import type { CfaInstruction, Cie, EncodedPointer, Fde, FrameSection, RegisterRule } from './types';

/** print_hex without the trailing space: zero-padded to 2*bytes digits, masked. */
function hexField(value: number | bigint, bytes: number): string {
  const masked = BigInt.asUintN(bytes * 8, BigInt(value));
  return masked.toString(16).padStart(bytes * 2, '0');
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const signed = (n: number): string => (n < 0 ? `${n}` : `+${n}`);

/** The address readelf shows for an encoded pointer: only pc-relative bases are added. */
function shownAddress(p: EncodedPointer): bigint {
  return (p.encoding & 0x70) === 0x10 && p.value !== undefined ? BigInt(p.value) : p.raw;
}

function augmentationData(data: Uint8Array): string {
  const lead = '  Augmentation data:    ';
  let s = lead;
  if (data.length < Math.floor((80 - lead.length) / 3)) {
    for (const b of data) s += ` ${hex2(b)}`;
  } else {
    data.forEach((b, i) => {
      if (i % Math.floor(80 / 3) === 0) s += '\n';
      s += ` ${hex2(b)}`;
    });
  }
  return s + '\n';
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

/** A register number readelf has no column for (beyond its i386 table). */
const isBadRegister = (reg: number): boolean => reg > I386_REGISTER_TABLE_SIZE;

function regWithPrefix(reg: number): string {
  return (isBadRegister(reg) ? 'bad register: ' : '') + regname(reg, false);
}

/** The register an instruction gives a rule to (readelf's referenced columns). */
function referencedRegister(insn: CfaInstruction): number | undefined {
  switch (insn.op) {
    case 'offset': case 'offset_extended': case 'offset_extended_sf': case 'val_offset': case 'val_offset_sf':
    case 'GNU_negative_offset_extended': case 'restore': case 'restore_extended': case 'undefined': case 'same_value':
    case 'register': case 'expression': case 'val_expression':
      return insn.reg;
    default:
      return undefined;
  }
}

/** One instruction line in --debug-dump=frames form (newline included). */
function instructionLine(insn: CfaInstruction, cie: Cie, loc: number, addressSize: number): string {
  const caf = cie.codeAlignment;
  const daf = cie.dataAlignment;
  const at = (n: number): string => `${n * daf < 0 ? '' : '+'}${n * daf}`;
  switch (insn.op) {
    case 'advance_loc': case 'advance_loc1': case 'advance_loc2': case 'advance_loc4': case 'MIPS_advance_loc8': {
      const d = insn.delta * caf;
      return `  DW_CFA_${insn.op}: ${d} to ${hexField(loc + d, addressSize)}\n`;
    }
    case 'set_loc': return `  DW_CFA_set_loc: ${hexField(shownAddress(insn.address), addressSize)}\n`;
    case 'offset': case 'offset_extended': case 'offset_extended_sf':
      return `  DW_CFA_${insn.op}: ${regWithPrefix(insn.reg)} at cfa${at(insn.offset)}\n`;
    case 'GNU_negative_offset_extended':
      return `  DW_CFA_${insn.op}: ${regWithPrefix(insn.reg)} at cfa${at(-insn.offset)}\n`;
    case 'val_offset': case 'val_offset_sf':
      return `  DW_CFA_${insn.op}: ${regWithPrefix(insn.reg)} is cfa${at(insn.offset)}\n`;
    case 'restore': case 'restore_extended': case 'undefined': case 'same_value':
      return `  DW_CFA_${insn.op}: ${regWithPrefix(insn.reg)}\n`;
    case 'register': return `  DW_CFA_register: ${regWithPrefix(insn.reg)} in ${regname(insn.reg2, false)}\n`;
    case 'remember_state': case 'restore_state': case 'nop': case 'GNU_window_save':
      return `  DW_CFA_${insn.op}\n`;
    case 'def_cfa': return `  DW_CFA_def_cfa: ${regname(insn.reg, false)} ofs ${insn.offset}\n`;
    case 'def_cfa_sf': return `  DW_CFA_def_cfa_sf: ${regname(insn.reg, false)} ofs ${insn.offset * daf}\n`;
    case 'def_cfa_register': return `  DW_CFA_def_cfa_register: ${regname(insn.reg, false)}\n`;
    case 'def_cfa_offset': return `  DW_CFA_def_cfa_offset: ${insn.offset}\n`;
    case 'def_cfa_offset_sf': return `  DW_CFA_def_cfa_offset_sf: ${insn.offset * daf}\n`;
    case 'def_cfa_expression': return `  DW_CFA_def_cfa_expression (${formatExpression(insn.expression, addressSize)})\n`;
    case 'expression': case 'val_expression':
      return `  DW_CFA_${insn.op}: ${regWithPrefix(insn.reg)} (${formatExpression(insn.expression, addressSize)})\n`;
    case 'GNU_args_size': return `  DW_CFA_GNU_args_size: ${insn.size}\n`;
    case 'user': return `  DW_CFA_??? (User defined call frame op: 0x${insn.opcode.toString(16)})\n`;
  }
}

/** Lines readelf prints in frames-interp mode too: rules for bad registers, vendor ops. */
function alwaysPrinted(insn: CfaInstruction): boolean {
  if (insn.op === 'user') return true;
  const reg = referencedRegister(insn);
  return reg !== undefined && isBadRegister(reg);
}

function ruleText(rule: RegisterRule | undefined): string {
  if (!rule) return 'u';
  switch (rule.kind) {
    case 'undefined': return 'u';
    case 'same_value': return 's';
    case 'offset': return `c${signed(rule.offset)}`;
    case 'val_offset': return `v${signed(rule.offset)}`;
    case 'register': return regname(rule.reg, false);
    case 'expression': return 'exp';
    case 'val_expression': return 'vexp';
  }
}

/** The CFI table of one CIE or FDE in frames-interp form. */
function interpTable(instructions: readonly CfaInstruction[], it: CfiInterpreter, columns: readonly number[], ra: number, addressSize: number, cie: Cie): string {
  let out = '';
  let headerDone = false;
  const row = (): void => {
    if (!headerDone) {
      headerDone = true;
      out += '   LOC'.padEnd(addressSize * 2) + ' CFA      ';
      for (const r of columns) out += r === ra ? 'ra    ' : `${regname(r, true).padEnd(5)} `;
      out += '\n';
    }
    const cfa = it.cfaRule();
    const cfaText = cfa.kind === 'expression' ? 'exp' : cfa.signed ? `${regname(cfa.reg, true)}${signed(cfa.offset)}` : `${regname(cfa.reg, true)}+${cfa.offset}`;
    out += `${hexField(it.loc, addressSize)} ${cfaText.padEnd(8)} `;
    const rules = it.rules();
    for (const r of columns) out += `${ruleText(rules.get(r)).padEnd(5)} `;
    out += '\n';
  };
  let allNops = true;
  for (const insn of instructions) {
    if (insn.op !== 'nop') allNops = false;
    if (advancesLocation(insn)) row();
    if (alwaysPrinted(insn)) out += instructionLine(insn, cie, it.loc, addressSize);
    if (it.apply(insn) === 'mismatched-restore') out += 'Mismatched DW_CFA_restore_state\n';
  }
  if (!allNops) row();
  return out;
}

function columnsOf(...lists: (readonly CfaInstruction[])[]): number[] {
  const set = new Set<number>();
  for (const list of lists) {
    for (const insn of list) {
      const reg = referencedRegister(insn);
      if (reg !== undefined && !isBadRegister(reg)) set.add(reg);
    }
  }
  return [...set].sort((a, b) => a - b);
}

function cieText(cie: Cie, interp: boolean): string {
  const size = cie.addressSize;
  let out = `\n${hex8(cie.offset)} ${hexField(cie.length, size)} ${hexField(cie.id, cie.offsetSize)} `;
  if (interp) {
    out += `CIE "${cie.augmentation}" cf=${cie.codeAlignment} df=${cie.dataAlignment} ra=${cie.returnAddressRegister}\n`;
    const it = new CfiInterpreter(cie, EMPTY_STATE, undefined, 0);
    out += interpTable(cie.instructions, it, columnsOf(cie.instructions), cie.returnAddressRegister, size, cie);
    return out;
  }
  out += 'CIE\n';
  out += `  Version:               ${cie.version}\n`;
  out += `  Augmentation:          "${cie.augmentation}"\n`;
  if (cie.version >= 4) {
    out += `  Pointer Size:          ${cie.addressSize}\n`;
    out += `  Segment Size:          ${cie.segmentSize}\n`;
  }
  out += `  Code alignment factor: ${cie.codeAlignment}\n`;
  out += `  Data alignment factor: ${cie.dataAlignment}\n`;
  out += `  Return address column: ${cie.returnAddressRegister}\n`;
  if (cie.augmentationData.length) out += augmentationData(cie.augmentationData);
  else out += '\n';
  out += instructionList(cie.instructions, cie, 0, size);
  return out;
}

function instructionList(instructions: readonly CfaInstruction[], cie: Cie, start: number, size: number): string {
  let out = '';
  let loc = start;
  const it = new CfiInterpreter(cie, EMPTY_STATE, undefined, start);
  for (const insn of instructions) {
    out += instructionLine(insn, cie, loc, size);
    it.apply(insn);
    loc = it.loc;
  }
  return out;
}

function fdeText(fde: Fde, interp: boolean): string {
  const cie = fde.cie;
  const size = cie.addressSize;
  const begin = shownAddress(fde.pcBegin);
  let out = `\n${hex8(fde.offset)} ${hexField(fde.length, size)} ${hexField(fde.ciePointer, fde.offsetSize)} FDE cie=${hex8(cie.offset)} pc=`;
  if (cie.segmentSize) out += `${fde.segment.toString(16).padStart(4, '0')}:`;
  out += `${hexField(begin, size)}..${hexField(begin + BigInt(fde.range), size)}\n`;
  if (interp) {
    const columns = columnsOf(cie.instructions, fde.instructions);
    out += interpTable(fde.instructions, fdeInterpreter(fde), columns, cie.returnAddressRegister, size, cie);
    return out;
  }
  if (fde.augmentationData.length) out += augmentationData(fde.augmentationData);
  out += instructionList(fde.instructions, cie, Number(BigInt.asUintN(32, begin)), size);
  return out;
}

/** The whole section as `readelf --debug-dump=frames[-interp]` prints it. */
export function formatFrameSection(frames: FrameSection, interp: boolean): string {
  let out = `Contents of the ${frames.section.name} section:\n\n`;
  for (const entry of frames.entries) {
    if (entry.kind === 'terminator') out += `\n${hex8(entry.offset)} ZERO terminator\n\n`;
    else if (entry.kind === 'cie') out += cieText(entry, interp);
    else out += fdeText(entry, interp);
  }
  return out + '\n';
}

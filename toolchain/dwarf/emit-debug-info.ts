// Owns the sections GNU as 2.40 writes next to .debug_line for `as --32 -g`, so that
// debuggers find the line table and the functions: one DWARF 2 compile unit (.debug_info)
// with a DW_TAG_subprogram child for each sized function symbol, the abbreviations
// (.debug_abbrev), .debug_aranges, the strings (.debug_str) and, when code is in more than
// one section, .debug_ranges instead of low/high pc.
import type { AsmSection, AsmSymbol } from '../asm/module';
import { EmitBuffer, R_386_32 } from './emit-buffer';
import { STT_FUNC } from '../elf/symbols';

const DW_TAG_compile_unit = 0x11;
const DW_TAG_subprogram = 0x2e;
const DW_AT_external = 0x3f;
const DW_FORM_flag = 0x0c;
const DW_AT_stmt_list = 0x10;
const DW_AT_low_pc = 0x11;
const DW_AT_high_pc = 0x12;
const DW_AT_name = 0x03;
const DW_AT_comp_dir = 0x1b;
const DW_AT_producer = 0x25;
const DW_AT_language = 0x13;
const DW_AT_ranges = 0x55;
const DW_FORM_addr = 0x01;
const DW_FORM_data2 = 0x05;
const DW_FORM_data4 = 0x06;
const DW_FORM_strp = 0x0e;
const DW_LANG_Mips_Assembler = 0x8001;

export interface CompileUnitInfo {
  /** The source file as named on the command line (DW_AT_name). */
  readonly name: string;
  /** The directory the assembler ran in (DW_AT_comp_dir). */
  readonly compDir: string;
  /** DW_AT_producer; GNU as writes "GNU AS 2.40". */
  readonly producer?: string;
}

/**
 * The functions GAS describes: symbols typed @function with a size (`.size`), defined in a
 * section, in the symbol table's creation order.
 */
function describedFunctions(symbols: readonly AsmSymbol[]): AsmSymbol[] {
  return symbols.filter((s) => s.type === STT_FUNC && s.size > 0 && !['UND', 'ABS', 'COMMON'].includes(s.section));
}

/**
 * The sections after .debug_line, in GAS's order: .debug_info, .debug_abbrev,
 * .debug_aranges, .debug_str, then .debug_ranges when `codeSections` has several.
 */
export function emitDebugInfo(unit: CompileUnitInfo, codeSections: readonly AsmSection[], symbols: readonly AsmSymbol[] = []): AsmSection[] {
  const ranges = codeSections.length > 1;
  const functions = describedFunctions(symbols);
  const str = new EmitBuffer();
  const nameAt = str.offset;
  str.cstring(unit.name);
  const dirAt = str.offset;
  str.cstring(unit.compDir);
  const producerAt = str.offset;
  str.cstring(unit.producer ?? 'GNU AS 2.40');
  const functionNameAt = functions.map((f) => {
    const at = str.offset;
    str.cstring(f.name);
    return at;
  });

  const abbrev = new EmitBuffer();
  abbrev.uleb(1);
  abbrev.uleb(DW_TAG_compile_unit);
  abbrev.u8(functions.length > 0 ? 1 : 0); // DW_CHILDREN_yes / DW_CHILDREN_no
  const attrs: [number, number][] = [[DW_AT_stmt_list, DW_FORM_data4]];
  if (ranges) attrs.push([DW_AT_ranges, DW_FORM_data4]);
  else attrs.push([DW_AT_low_pc, DW_FORM_addr], [DW_AT_high_pc, DW_FORM_addr]);
  attrs.push([DW_AT_name, DW_FORM_strp], [DW_AT_comp_dir, DW_FORM_strp], [DW_AT_producer, DW_FORM_strp], [DW_AT_language, DW_FORM_data2]);
  for (const [at, form] of attrs) {
    abbrev.uleb(at);
    abbrev.uleb(form);
  }
  abbrev.u8(0);
  abbrev.u8(0);
  if (functions.length > 0) {
    abbrev.uleb(2);
    abbrev.uleb(DW_TAG_subprogram);
    abbrev.u8(0); // DW_CHILDREN_no
    for (const [at, form] of [[DW_AT_name, DW_FORM_strp], [DW_AT_external, DW_FORM_flag], [DW_AT_low_pc, DW_FORM_addr], [DW_AT_high_pc, DW_FORM_addr]]) {
      abbrev.uleb(at!);
      abbrev.uleb(form!);
    }
    abbrev.u8(0);
    abbrev.u8(0);
  }
  abbrev.u8(0);

  const info = new EmitBuffer();
  info.u32(0);
  info.u16(2);
  info.relocate(R_386_32, '.debug_abbrev', true);
  info.u32(0);
  info.u8(4);
  info.uleb(1);
  info.relocate(R_386_32, '.debug_line', true);
  info.u32(0);
  if (ranges) {
    info.relocate(R_386_32, '.debug_ranges', true);
    info.u32(0);
  } else {
    const only = codeSections[0];
    if (only) {
      info.relocate(R_386_32, only.name, true);
      info.u32(0);
      info.relocate(R_386_32, only.name, true);
    } else info.u32(0);
    info.u32(only?.size ?? 0);
  }
  for (const at of [nameAt, dirAt, producerAt]) {
    info.relocate(R_386_32, '.debug_str', true);
    info.u32(at);
  }
  info.u16(DW_LANG_Mips_Assembler);
  functions.forEach((f, k) => {
    info.uleb(2);
    info.relocate(R_386_32, '.debug_str', true);
    info.u32(functionNameAt[k]!);
    // GAS marks only STB_GLOBAL functions external, and relocates against a non-local
    // symbol itself, against the section symbol for a local one.
    info.u8(f.binding === 'global' ? 1 : 0);
    const local = f.binding === 'local';
    const base = local ? f.value : 0;
    info.relocate(R_386_32, local ? f.section : f.name, local);
    info.u32(base);
    info.relocate(R_386_32, local ? f.section : f.name, local);
    info.u32(base + f.size);
  });
  if (functions.length > 0) info.u8(0);
  info.patch32(0, info.length - 4);

  const aranges = new EmitBuffer();
  aranges.u32(0);
  aranges.u16(2);
  aranges.relocate(R_386_32, '.debug_info', true);
  aranges.u32(0);
  aranges.u8(4);
  aranges.u8(0);
  aranges.align(8, 0);
  for (const s of codeSections) {
    aranges.relocate(R_386_32, s.name, true);
    aranges.u32(0);
    aranges.u32(s.size);
  }
  aranges.u32(0);
  aranges.u32(0);
  aranges.patch32(0, aranges.length - 4);

  const section = (name: string, b: EmitBuffer, addralign: number, extra: Partial<AsmSection> = {}): AsmSection => ({
    name, type: 1, flags: 0, addralign, entsize: 0, bytes: b.result(), size: b.length, relocations: b.relocations, ...extra,
  });
  const out = [
    section('.debug_info', info, 1),
    section('.debug_abbrev', abbrev, 1),
    section('.debug_aranges', aranges, 8),
    section('.debug_str', str, 1, { flags: 0x30, entsize: 1 }),
  ];
  if (ranges) {
    const r = new EmitBuffer();
    r.u32(0xffffffff);
    r.u32(0);
    for (const s of codeSections) {
      r.relocate(R_386_32, s.name, true);
      r.u32(0);
      r.relocate(R_386_32, s.name, true);
      r.u32(s.size);
    }
    r.u32(0);
    r.u32(0);
    out.push(section('.debug_ranges', r, 8));
  }
  return out;
}

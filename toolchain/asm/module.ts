// Owns the assembler's result: what the GAS front end (toolchain/asm/assembler.ts) produces
// from a source and what the writers consume (the ET_REL writer, the CFI emitter, the line
// table emitter, the alternatives view, the language server's diagnostics). Offsets are final
// (after branch relaxation); in-place addends are already in the section bytes, as REL wants.

/** A place in a source file: 1-based line and column, as GNU as and the editor print them. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly location: SourceLocation;
  /** GNU as's wording where GNU as has a message for the same mistake. */
  readonly message: string;
}

/** One REL relocation (i386 keeps the addend in the section bytes). */
export interface Relocation {
  /** Offset in the section the relocation applies to. */
  readonly offset: number;
  /** R_386_* number (R_386_32 = 1, R_386_PC32 = 2, R_386_16 = 20, R_386_PC16 = 21, R_386_8 = 22, R_386_PC8 = 23, ...). */
  readonly type: number;
  /**
   * The symbol it refers to: a symbol's name, or a section's name for a section symbol (GAS
   * relocates against the section symbol for local labels, as it decides).
   */
  readonly symbol: string;
  readonly symbolIsSection: boolean;
}

export interface AsmSection {
  readonly name: string;
  /** SHT_* (SHT_PROGBITS 1, SHT_NOBITS 8, SHT_NOTE 7, ...). */
  readonly type: number;
  /** SHF_* bits (SHF_WRITE 1, SHF_ALLOC 2, SHF_EXECINSTR 4, SHF_MERGE 0x10, SHF_STRINGS 0x20, SHF_GROUP 0x200, ...). */
  readonly flags: number;
  readonly addralign: number;
  readonly entsize: number;
  /** The contents (empty for SHT_NOBITS, whose size is `size`). */
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly relocations: readonly Relocation[];
  /** For SHF_LINK_ORDER ("o" flag): the section it is linked to. */
  readonly linkTo?: string;
  /** For SHF_GROUP ("G" flag): the group signature (COMDAT when `comdat`). */
  readonly group?: { readonly signature: string; readonly comdat: boolean };
}

/** 'unique': GNU's unique binding (`.type NAME, @gnu_unique_object`), written STB_GNU_UNIQUE. */
export type SymbolBinding = 'local' | 'global' | 'weak' | 'unique';

export interface AsmSymbol {
  readonly name: string;
  /** The defining section's name, or 'ABS', 'UND' (undefined), 'COMMON'. */
  readonly section: string;
  /** Offset in the section (or the absolute value; or the alignment for COMMON). */
  readonly value: number;
  readonly size: number;
  readonly binding: SymbolBinding;
  /** STT_* (STT_NOTYPE 0, STT_OBJECT 1, STT_FUNC 2, STT_SECTION 3, STT_FILE 4, STT_TLS 6, STT_GNU_IFUNC 10). */
  readonly type: number;
  /** STV_* (default 0, internal 1, hidden 2, protected 3). */
  readonly visibility: number;
  /** Where it was defined (or first referenced, when undefined). */
  readonly location?: SourceLocation;
}

/** Which instruction (or data) bytes came from which source line, for .debug_line and the debugger. */
export interface LineEntry {
  readonly section: string;
  readonly offset: number;
  /** Number of bytes this entry covers. */
  readonly length: number;
  /** The line the bytes came from, after macro expansion and #include (the user's own line). */
  readonly location: SourceLocation;
  /** True for an instruction's bytes, false for data and alignment (GAS's -g line table has rows only for instructions). */
  readonly instruction: boolean;
}

/**
 * The line entries of instructions (`instruction` true), in the order `AsmModule.lines` has
 * them, as columns: entry k is in section `sectionNames[section[k]]` at `offset[k]`, covers
 * `length[k]` bytes and came from `location(k)` (a new object each call). Read without making
 * a LineEntry or a location for every entry (the language server's index of instructions).
 */
export interface InstructionEntries {
  readonly count: number;
  readonly sectionNames: readonly string[];
  readonly section: Int32Array;
  readonly offset: Int32Array;
  readonly length: Int32Array;
  location(k: number): SourceLocation;
}

/** i386 DWARF register numbers (psABI): 0 eax 1 ecx 2 edx 3 ebx 4 esp 5 ebp 6 esi 7 edi 8 eip 9 eflags. */
export type DwarfRegister = number;

/**
 * One CFI instruction as the directives left it, with GAS's conversions done: adjust_cfa_offset
 * became def_cfa_offset with the running value, rel_offset became offset from the CFA.
 */
export type CfiOp =
  | { readonly kind: 'def_cfa'; readonly register: DwarfRegister; readonly offset: number }
  | { readonly kind: 'def_cfa_register'; readonly register: DwarfRegister }
  | { readonly kind: 'def_cfa_offset'; readonly offset: number }
  | { readonly kind: 'offset'; readonly register: DwarfRegister; readonly offset: number }
  | { readonly kind: 'val_offset'; readonly register: DwarfRegister; readonly offset: number }
  | { readonly kind: 'register'; readonly register: DwarfRegister; readonly register2: DwarfRegister }
  | { readonly kind: 'restore'; readonly register: DwarfRegister }
  | { readonly kind: 'undefined'; readonly register: DwarfRegister }
  | { readonly kind: 'same_value'; readonly register: DwarfRegister }
  | { readonly kind: 'remember_state' }
  | { readonly kind: 'restore_state' }
  | { readonly kind: 'escape'; readonly bytes: Uint8Array }
  | { readonly kind: 'gnu_args_size'; readonly size: number };

export interface CfiInstruction {
  /** Offset in the procedure's section where the rule takes effect (the address of the label GAS put there). */
  readonly offset: number;
  readonly op: CfiOp;
  readonly location: SourceLocation;
}

/** A personality routine or LSDA reference: the DW_EH_PE encoding and the symbol. */
export interface CfiPointer {
  readonly encoding: number;
  readonly symbol: string;
}

/** One .cfi_startproc ... .cfi_endproc. */
export interface CfiProcedure {
  readonly section: string;
  readonly start: number;
  readonly end: number;
  /** `.cfi_startproc simple`: no initial CFA/return-address rules from the default CIE. */
  readonly simple: boolean;
  readonly signalFrame: boolean;
  readonly returnColumn: DwarfRegister;
  readonly personality?: CfiPointer;
  readonly lsda?: CfiPointer;
  readonly instructions: readonly CfiInstruction[];
  /** Where the FDE goes (.cfi_sections in force at .cfi_endproc; GAS's default is .eh_frame only). */
  readonly ehFrame: boolean;
  readonly debugFrame: boolean;
  readonly location: SourceLocation;
}

/** Lines `from` to `to` (1-based, inclusive) of `file`: a group a false .if (or its .else) skipped. */
export interface SkippedGroup {
  readonly file: string;
  readonly from: number;
  readonly to: number;
}

/** One alternative (one .altinstructions entry), kept for display and checks. */
export interface AlternativeSite {
  /** Section and offset of the original instructions. */
  readonly section: string;
  readonly offset: number;
  /** Length of the original site including its 0x90 padding (instrlen). */
  readonly length: number;
  /** Offset of the replacement in .altinstr_replacement, and its length. */
  readonly replacementOffset: number;
  readonly replacementLength: number;
  /** The feature word*32+bit, with ALT_FLAG_* bits above bit 16 as in ft_flags. */
  readonly ftFlags: number;
  /** The feature's name as written (X86_FEATURE_SYSENTER32), when it was a name. */
  readonly featureName?: string;
  readonly location: SourceLocation;
}

/** A numeric label reference (`1b`, `1f`) as GNU as resolves it: where it is written, and the instance of the label it names. */
export interface NumericReference {
  /** The place of the statement that holds it (the user's line: a macro's call site, a .rept body's own line). */
  readonly location: SourceLocation;
  /** The reference as written (`1b`). */
  readonly text: string;
  /** The instance it names: the very object module.localLabels holds for that `1:`. */
  readonly label: AsmSymbol;
}

export interface AsmModule {
  /** Sections in the order GAS creates them (.text, .data, .bss first, then as met). */
  readonly sections: readonly AsmSection[];
  readonly symbols: readonly AsmSymbol[];
  readonly lines: readonly LineEntry[];
  /** The instruction entries of `lines` as columns, where the assembler has them (a module whose `lines` were replaced has none). */
  readonly instructionEntries?: () => InstructionEntries;
  readonly cfi: readonly CfiProcedure[];
  readonly alternatives: readonly AlternativeSite[];
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The labels GAS keeps out of the symbol table (.L names and each instance of a numeric
   * label `1:`, named as written), for the editor's hover and navigation; absent from a
   * module the assembler did not make.
   */
  readonly localLabels?: readonly AsmSymbol[];
  /** The names of `localLabels` in their order, where the assembler has them, without making the symbols (a module whose `localLabels` were replaced has none). */
  readonly localLabelNames?: () => readonly string[];
  /**
   * Every numeric label reference the assembler resolved, once per statement that holds it (a
   * .rept or macro body's once per copy), in the order it read them; only in a module made
   * with AssembleInput.numericReferences.
   */
  readonly numericReferences?: readonly NumericReference[];
  /** The groups of the file's own lines (not a macro's or a .rept's body) that conditional assembly skipped, for the editor. */
  readonly skipped?: readonly SkippedGroup[];
  /** The texts of the `.print` directives assembled, in order, as bytes: GNU as writes each to standard output with a line break. */
  readonly printed?: readonly Uint8Array[];
  /** A `.type` named gnu_unique_object: GNU as then marks the object GNU's (ELFOSABI_GNU), whatever became of the symbol. */
  readonly gnuUnique?: boolean;
}

/**
 * The module with `fields` replaced. Its other fields are carried over as they are: `lines`
 * and `localLabels` may be made on first read (finish.ts), and a spread would make them.
 */
export function moduleWith(module: AsmModule, fields: Partial<AsmModule>): AsmModule {
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(module)) as AsmModule;
  // The instruction entries are `lines`' own.
  if ('lines' in fields) delete (out as { instructionEntries?: unknown }).instructionEntries;
  // The local label names are `localLabels`' own.
  if ('localLabels' in fields) delete (out as { localLabelNames?: unknown }).localLabelNames;
  for (const [key, value] of Object.entries(fields)) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

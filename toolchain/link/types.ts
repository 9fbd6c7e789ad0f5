// Owns the shapes the static linker passes between its steps: the inputs (ET_REL objects),
// input sections with the output section each lands in, output sections with their
// addresses and bytes, and the options of the two products (vDSO image, static program).
import type { Relocation } from '../elf/relocations';
import type { ElfFile, ElfSymbol, Section } from '../elf/types';

/** One ET_REL object to link: its bytes and the name errors use. */
export interface LinkInput {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

/** One node of a version script: `NAME { global: patterns; } PARENT;`. */
export interface VersionNode {
  readonly name: string;
  /** Symbol names, or globs with `*` and `?` (e.g. `__vdso_*`). */
  readonly globals: readonly string[];
  /** The version this one inherits from (a second verdaux entry). */
  readonly parent?: string;
}

export interface VdsoOptions {
  /** DT_SONAME and the base version's name; default `linux-gate.so.1`. */
  readonly soname?: string;
  /**
   * The exported symbols by version, in script order (the first gets version index 2).
   * Every other global becomes local, as `local: *;` does.
   */
  readonly versions: readonly VersionNode[];
  /** Spare DT_NULL entries after the terminating one (GNU ld 2.40 leaves 5). Default 5. */
  readonly spareDynamicEntries?: number;
}

export interface ExecOptions {
  /** The entry symbol; default `_start`. */
  readonly entry?: string;
  /** Address of the first segment (which maps the ELF headers); default 0x08048000. */
  readonly base?: number;
}

/** A relocation of an input section together with where it came from. */
export interface InputRelocation extends Relocation {
  /** The REL/RELA section's name, for error places. */
  readonly sectionName: string;
}

export interface InputObject {
  readonly fileName: string;
  readonly elf: ElfFile;
  /** Kept input sections by section index (undefined: not linked, e.g. non-alloc). */
  readonly sections: readonly (InputSection | undefined)[];
}

/** A piece of an input .eh_frame: one CIE or FDE, placed or (a duplicate CIE) dropped. */
export interface FramePiece {
  readonly inputOffset: number;
  readonly size: number;
  readonly isCie: boolean;
  /** Offset in the output .eh_frame; for a dropped duplicate CIE, the copy it merged into. */
  outputOffset: number;
  /** False for a CIE merged into an identical earlier one. */
  kept: boolean;
  /** For an FDE: the input offset of its CIE. */
  readonly cieInputOffset: number;
}

export interface InputSection {
  readonly object: InputObject;
  readonly section: Section;
  readonly relocations: readonly InputRelocation[];
  /** Set by the layout step. */
  output: OutputSection | undefined;
  /** Offset inside the output section. */
  outputOffset: number;
  /** For .eh_frame: its entries (the output section then holds the kept ones only). */
  pieces: FramePiece[] | undefined;
}

export interface OutputSection {
  readonly name: string;
  type: number;
  flags: number;
  align: number;
  entsize: number;
  link: number;
  info: number;
  readonly inputs: InputSection[];
  size: number;
  addr: number;
  offset: number;
  /** What fills the gaps between inputs (0x90 in vDSO .text, ld's nops in a program's .text). */
  readonly fill: number | 'nops';
  /** The final bytes (filled in after layout). */
  data: Uint8Array;
  /** Index in the output section header table. */
  index: number;
}

/** Where a global name is defined. */
export interface Definition {
  readonly object: InputObject;
  readonly symbol: ElfSymbol;
}

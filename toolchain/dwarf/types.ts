// Owns the shapes of parsed call-frame information: CIEs, FDEs, decoded DW_CFA
// instructions, decoded DWARF expressions, encoded pointers and the row table. Every
// other file in toolchain/dwarf produces or consumes these; the unwinder reads them.

/** Which section a frame table came from: GCC's .eh_frame or DWARF's .debug_frame. */
export type FrameSectionKind = 'eh_frame' | 'debug_frame';

/** Where a section sits, for pc-relative pointers and error messages. */
export interface SectionInfo {
  /** The file name used in errors. */
  readonly fileName: string;
  /** ".eh_frame", ".debug_frame", ".eh_frame_hdr". */
  readonly name: string;
  /** The section's virtual address (0 in relocatable objects). */
  readonly address: number;
  readonly bytes: Uint8Array;
}

/** A pointer read with a DW_EH_PE_* encoding. */
export interface EncodedPointer {
  readonly encoding: number;
  /** The bytes as stored (sign-extended for sdata), before the base is added. */
  readonly raw: bigint;
  /**
   * raw + the base the application bits call for, modulo 2^32: pcrel is always known;
   * datarel/textrel/funcrel only when the caller gave that base (else undefined).
   */
  readonly value: number | undefined;
  /** DW_EH_PE_indirect: `value` is the address of the real pointer. */
  readonly indirect: boolean;
  /** Section offset of the first byte read. */
  readonly offset: number;
}

/** One decoded DWARF expression operation (DW_OP_*). */
export interface DwarfOp {
  /** The opcode byte. */
  readonly opcode: number;
  /** "DW_OP_breg4"; for unknown opcodes "DW_OP_<hex>". */
  readonly name: string;
  /**
   * Operands in encoding order, as exact 64-bit values (signed ones negative): e.g.
   * breg4 -> [offset]; bregx -> [register, offset]; bra/skip -> [relative byte offset];
   * bit_piece -> [size, offset]; implicit_value -> [length]; const_type -> [type, length].
   */
  readonly operands: readonly bigint[];
  /** DW_OP_implicit_value / const_type data bytes. */
  readonly block?: Uint8Array;
  /** DW_OP_entry_value's own expression. */
  readonly nested?: DwarfExpression;
  /** DW_OP_GNU_encoded_addr's pointer. */
  readonly pointer?: EncodedPointer;
  /** Byte offset of the opcode from the start of the expression (bra/skip targets). */
  readonly at: number;
  /** Encoded length in bytes, opcode included. */
  readonly length: number;
  /**
   * Set on an operation whose operands cannot be decoded in frame information (unknown
   * opcode, call_ref, implicit_pointer...): decoding stopped here, as readelf stops.
   */
  readonly undecodable?: 'unknown' | 'user' | 'frame-info';
}

export interface DwarfExpression {
  readonly ops: readonly DwarfOp[];
  /** Section offset of the expression's first byte. */
  readonly offset: number;
  /** Its length in bytes. */
  readonly length: number;
  readonly bytes: Uint8Array;
}

/**
 * A DW_CFA instruction as its bytes say it; numbers are as encoded (not yet multiplied by
 * factors). The row builder reads these; the emitter picks them (emit-cfi-ops.ts).
 */
export type CfaOperation =
  | { readonly op: 'advance_loc' | 'advance_loc1' | 'advance_loc2' | 'advance_loc4' | 'MIPS_advance_loc8'; readonly delta: number }
  | { readonly op: 'set_loc'; readonly address: EncodedPointer }
  | { readonly op: 'offset' | 'offset_extended' | 'val_offset'; readonly reg: number; readonly offset: number }
  | { readonly op: 'offset_extended_sf' | 'val_offset_sf' | 'GNU_negative_offset_extended'; readonly reg: number; readonly offset: number }
  | { readonly op: 'restore' | 'restore_extended' | 'undefined' | 'same_value'; readonly reg: number }
  | { readonly op: 'register'; readonly reg: number; readonly reg2: number }
  | { readonly op: 'remember_state' | 'restore_state' | 'nop' | 'GNU_window_save' }
  | { readonly op: 'def_cfa'; readonly reg: number; readonly offset: number }
  | { readonly op: 'def_cfa_sf'; readonly reg: number; readonly offset: number }
  | { readonly op: 'def_cfa_register'; readonly reg: number }
  | { readonly op: 'def_cfa_offset'; readonly offset: number }
  | { readonly op: 'def_cfa_offset_sf'; readonly offset: number }
  | { readonly op: 'def_cfa_expression'; readonly expression: DwarfExpression }
  | { readonly op: 'expression' | 'val_expression'; readonly reg: number; readonly expression: DwarfExpression }
  | { readonly op: 'GNU_args_size'; readonly size: number }
  /** A vendor opcode in DW_CFA_lo_user..hi_user with no known meaning: decoding stops. */
  | { readonly op: 'user'; readonly opcode: number };

/** A decoded DW_CFA instruction: the operation and the section offset of its first byte. */
export type CfaInstruction = { readonly at: number } & CfaOperation;

export type CfaOpName = CfaInstruction['op'];

export interface Cie {
  readonly kind: 'cie';
  /** Section offset of the length field. */
  readonly offset: number;
  /** The length field's value (the entry is offset + 4 or 12 + length bytes). */
  readonly length: number;
  /** 4 or 8 (64-bit DWARF). */
  readonly offsetSize: number;
  /** The CIE id field as stored (0 in .eh_frame, 0xffffffff[ffffffff] in .debug_frame). */
  readonly id: bigint;
  readonly version: number;
  readonly augmentation: string;
  /** Version 4 address_size and segment_selector_size (4 and 0 otherwise). */
  readonly addressSize: number;
  readonly segmentSize: number;
  readonly codeAlignment: number;
  readonly dataAlignment: number;
  readonly returnAddressRegister: number;
  /** The 'z' augmentation data bytes (empty without 'z'). */
  readonly augmentationData: Uint8Array;
  /** 'R': how FDE addresses are encoded (DW_EH_PE_absptr without it). */
  readonly fdeEncoding: number;
  /** 'L': how FDE LSDA pointers are encoded (undefined: none). */
  readonly lsdaEncoding: number | undefined;
  /** 'P': the personality routine's pointer. */
  readonly personality: EncodedPointer | undefined;
  /** 'S': this CIE's frames are signal frames. */
  readonly signalFrame: boolean;
  readonly instructions: readonly CfaInstruction[];
  /** Offset one past the entry. */
  readonly end: number;
}

export interface Fde {
  readonly kind: 'fde';
  readonly offset: number;
  readonly length: number;
  readonly offsetSize: number;
  /** The CIE pointer field as stored. */
  readonly ciePointer: bigint;
  readonly cie: Cie;
  /** Segment selector (version-4 CIEs with a segment size), else 0. */
  readonly segment: number;
  readonly pcBegin: EncodedPointer;
  /** pcBegin.value (modulo 2^32): the first address covered. */
  readonly start: number;
  /** The pc_range field. */
  readonly range: number;
  readonly augmentationData: Uint8Array;
  /** The 'L' LSDA pointer, when the CIE has 'L' and the pointer is not omitted. */
  readonly lsda: EncodedPointer | undefined;
  readonly instructions: readonly CfaInstruction[];
  readonly end: number;
}

/** A zero length field: readelf prints "ZERO terminator"; libgcc stops there. */
export interface Terminator {
  readonly kind: 'terminator';
  readonly offset: number;
  readonly end: number;
}

export type FrameEntry = Cie | Fde | Terminator;

export interface FrameSection {
  readonly kind: FrameSectionKind;
  readonly section: SectionInfo;
  /** Every entry in section order. */
  readonly entries: readonly FrameEntry[];
  readonly cies: readonly Cie[];
  readonly fdes: readonly Fde[];
}

/** How the CFA is computed in one row. */
export type CfaRule =
  | { readonly kind: 'register'; readonly reg: number; readonly offset: number; /** set by a *_sf op (readelf prints a sign) */ readonly signed: boolean }
  | { readonly kind: 'expression'; readonly expression: DwarfExpression };

/** How one register of the caller is recovered. */
export type RegisterRule =
  | { readonly kind: 'undefined' }
  | { readonly kind: 'same_value' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'val_offset'; readonly offset: number }
  | { readonly kind: 'register'; readonly reg: number }
  | { readonly kind: 'expression'; readonly expression: DwarfExpression }
  | { readonly kind: 'val_expression'; readonly expression: DwarfExpression };

/** One row of the CFI table: the rules for [start, end). */
export interface Row {
  readonly start: number;
  readonly end: number;
  readonly cfa: CfaRule;
  /** Rules by DWARF register number; a register absent here has no rule (unspecified). */
  readonly registers: ReadonlyMap<number, RegisterRule>;
  /** DW_CFA_GNU_args_size in force, if any. */
  readonly argsSize: number | undefined;
}

export interface RowTable {
  readonly fde: Fde;
  readonly rows: readonly Row[];
  /** The return-address column (the CIE's). */
  readonly returnAddressRegister: number;
}

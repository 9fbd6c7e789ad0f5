// Owns the shape of a parsed ELF32 little-endian file: what toolchain/elf/reader.ts
// produces and what every other reader (DWARF, symbols, loader) consumes.

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_386 = 3;
export const EM_X86_64 = 62;

export interface ElfHeader {
  /** e_ident[EI_CLASS]: 1 for ELF32 (the only class accepted). */
  readonly class: number;
  readonly osabi: number;
  readonly abiVersion: number;
  readonly type: number;
  readonly machine: number;
  readonly version: number;
  readonly entry: number;
  readonly phoff: number;
  readonly shoff: number;
  readonly flags: number;
  readonly ehsize: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly shentsize: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

export interface ProgramHeader {
  readonly index: number;
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly paddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly flags: number;
  readonly align: number;
}

export interface Section {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: number;
  readonly entsize: number;
  /** The section's bytes in the file (empty for SHT_NOBITS); a view, not a copy. */
  readonly data: Uint8Array;
}

export interface ElfSymbol {
  readonly index: number;
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** STT_* (st_info & 0xf). */
  readonly type: number;
  /** STB_* (st_info >> 4). */
  readonly bind: number;
  /** STV_* (st_other & 3). */
  readonly visibility: number;
  readonly shndx: number;
  /** Version name from .gnu.version/.gnu.version_d (or _r), if any. */
  readonly version?: string;
  /** True when the version is the default one (readelf's "@@"), false for hidden ("@"). */
  readonly versionDefault?: boolean;
  /** The .gnu.version index (without the hidden bit) the version came from. */
  readonly versionIndex?: number;
  /** True when the version comes from .gnu.version_r (readelf prints "@NAME (N)"). */
  readonly versionNeeded?: boolean;
}

export interface VersionDefinition {
  readonly index: number;
  readonly flags: number;
  readonly hash: number;
  readonly names: readonly string[];
}

/** One file's entry in .gnu.version_r: the versions this object needs from it. */
export interface VersionNeed {
  readonly file: string;
  readonly versions: readonly {
    readonly name: string;
    /** vna_other: the index .gnu.version entries use for this version. */
    readonly index: number;
    readonly flags: number;
    readonly hash: number;
  }[];
}

export interface Note {
  readonly name: string;
  readonly type: number;
  readonly desc: Uint8Array;
  /** Offset of the note in the file. */
  readonly offset: number;
}

export interface DynamicEntry {
  readonly tag: number;
  readonly value: number;
}

export interface ElfFile {
  /** The name used in error messages (the path as the user gave it). */
  readonly fileName: string;
  readonly bytes: Uint8Array;
  readonly header: ElfHeader;
  readonly programHeaders: readonly ProgramHeader[];
  readonly sections: readonly Section[];
  /** .symtab, empty when absent; read when first asked for (a broken table throws its InputError here). */
  readonly symbols: readonly ElfSymbol[];
  /** .dynsym with versions, empty when absent; read when first asked for, as `symbols`. */
  readonly dynamicSymbols: readonly ElfSymbol[];
  readonly versionDefinitions: readonly VersionDefinition[];
  /** .gnu.version_r, empty when absent. */
  readonly versionNeeds: readonly VersionNeed[];
  readonly notes: readonly Note[];
  readonly dynamic: readonly DynamicEntry[];
  /** The first section with this name, or undefined. */
  section(name: string): Section | undefined;
}

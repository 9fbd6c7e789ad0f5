// Owns the layouts of the kernel's struct alt_instr, the .altinstructions entry
// (docs/kernel-facts.md §6): 14 bytes with `u32 ft_flags` (since ~6.3), 13 with `u16 cpuid`
// and a padlen byte (4.1 to ~5.12), 12 with `u16 cpuid` (before 4.1, and ~5.13 to 6.2),
// each starting with the self-relative `s32 instr_offset` and `s32 repl_offset`. The
// assembler reads its own table back with it, the kernel model an image's.

/** Bytes per struct alt_instr: 14 (u32 ft_flags), 13 (u16 cpuid + padlen), 12 (u16 cpuid). */
export type AltLayout = 12 | 13 | 14;

export const ALT_LAYOUTS: readonly AltLayout[] = [14, 13, 12];

/** Flag bits of the 14-byte layout's ft_flags (ALT_FLAGS_SHIFT 16). */
export const ALT_FLAG_NOT = 1 << 16;
export const ALT_FLAG_DIRECT_CALL = 1 << 17;
/** The older layouts' inversion bit in the u16 cpuid (ALTINSTR_FLAG_INV). */
const CPUID_FLAG_INV = 1 << 15;

/** The fields of an entry after its two offsets. */
export interface AltFields {
  /** The feature number (word*32+bit) without the flag bits. */
  readonly feature: number;
  /** The raw flag bits above the feature (14-byte layout only; 0 otherwise). */
  readonly flags: number;
  /** Patch when the feature is absent (ALT_FLAG_NOT, or cpuid's ALTINSTR_FLAG_INV). */
  readonly invert: boolean;
  /** Length of the site, padding included. */
  readonly instrlen: number;
  readonly replacementlen: number;
  /** 13-byte layout: the padding bytes at the end of the site. */
  readonly padlen?: number;
}

/** Decodes the fields of the entry at `at` of a table in `layout`. */
export function altFields(d: Uint8Array, at: number, layout: AltLayout): AltFields {
  if (layout === 14) {
    const ft = (d[at + 8]! | (d[at + 9]! << 8) | (d[at + 10]! << 16) | (d[at + 11]! << 24)) >>> 0;
    return { feature: ft & 0xffff, flags: (ft & 0xffff0000) >>> 0, invert: (ft & ALT_FLAG_NOT) !== 0, instrlen: d[at + 12]!, replacementlen: d[at + 13]! };
  }
  const cpuid = d[at + 8]! | (d[at + 9]! << 8);
  return {
    feature: cpuid & ~CPUID_FLAG_INV,
    flags: 0,
    invert: (cpuid & CPUID_FLAG_INV) !== 0,
    instrlen: d[at + 10]!,
    replacementlen: d[at + 11]!,
    ...(layout === 13 ? { padlen: d[at + 12]! } : {}),
  };
}

/** The entry's feature and flags as the 14-byte layout's ft_flags holds them. */
export function ftFlagsOf(f: AltFields): number {
  return (f.feature | f.flags | (f.invert ? ALT_FLAG_NOT : 0)) >>> 0;
}

// Owns an image's frame tables as the unwinder searches them: building an UnwindImage from
// a parsed ELF file (its .eh_frame, .eh_frame_hdr and .debug_frame; each FDE's instructions
// decoded when first read), finding the FDE that covers a link-time address (the header's
// search table, else a sorted FDE index built once), and the row table of each FDE (built once).
import type { ElfFile } from '../elf/types';
import { parseEhFrameHdr, lookupFde } from './eh-frame-hdr';
import { frameSectionsOf } from './elf-frames';
import { buildRowTable } from './rows';
import type { Fde, FrameSection, RowTable } from './types';
import type { UnwindImage } from './unwind-types';
import { SHT_NOBITS } from '../elf/sections';

/**
 * The unwinder's view of an ELF image loaded at `base` (its load bias). An FDE's instructions
 * are decoded when the unwinder first steps through it (bad bytes there throw then), since a
 * launch of a static program would otherwise decode its whole .eh_frame before the guest runs.
 */
export function unwindImageFromElf(elf: ElfFile, base = 0, name = elf.fileName): UnwindImage {
  const sections = frameSectionsOf(elf, { lazyInstructions: true });
  const ehFrame = sections.find((s) => s.kind === 'eh_frame');
  const debugFrame = sections.find((s) => s.kind === 'debug_frame');
  const hdrSection = elf.sections.find((s) => s.name === '.eh_frame_hdr' && s.type !== SHT_NOBITS && s.size > 0);
  const ehFrameHdr = hdrSection && ehFrame
    ? parseEhFrameHdr({ fileName: elf.fileName, name: '.eh_frame_hdr', address: hdrSection.addr, bytes: hdrSection.data })
    : undefined;
  return { name, base: base >>> 0, ehFrame, ehFrameHdr, debugFrame };
}

/** FDEs with a non-empty range, sorted by start address. */
const sortedIndexes = new WeakMap<FrameSection, readonly Fde[]>();

function sortedFdes(frames: FrameSection): readonly Fde[] {
  let sorted = sortedIndexes.get(frames);
  if (!sorted) {
    sorted = frames.fdes.filter((f) => f.range > 0).slice().sort((a, b) => a.start - b.start || a.offset - b.offset);
    sortedIndexes.set(frames, sorted);
  }
  return sorted;
}

/** The FDE covering `address` in a section without a search table (binary search, then a bounded scan back for overlaps). */
export function lookupSortedFde(frames: FrameSection, address: number): Fde | undefined {
  const sorted = sortedFdes(frames);
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.start <= address) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  // Overlapping FDEs are bad input but occur; look back a few entries for one that covers.
  for (let i = found, n = 0; i >= 0 && n < 16; i--, n++) {
    const f = sorted[i]!;
    if (address - f.start < f.range) return f;
  }
  return undefined;
}

/** The FDE covering the link-time `address` in .eh_frame (via the header when present), else .debug_frame. */
export function findFde(image: UnwindImage, address: number): { fde: Fde; section: 'eh_frame' | 'debug_frame' } | undefined {
  if (image.ehFrame) {
    const fde = image.ehFrameHdr && image.ehFrameHdr.table.length > 0
      ? lookupFde(image.ehFrameHdr, image.ehFrame, address)
      : lookupSortedFde(image.ehFrame, address);
    if (fde) return { fde, section: 'eh_frame' };
  }
  if (image.debugFrame) {
    const fde = lookupSortedFde(image.debugFrame, address);
    if (fde) return { fde, section: 'debug_frame' };
  }
  return undefined;
}

const tables = new WeakMap<Fde, RowTable>();

/** The FDE's row table, built on first use. */
export function rowTableOf(fde: Fde): RowTable {
  let table = tables.get(fde);
  if (!table) {
    table = buildRowTable(fde);
    tables.set(fde, table);
  }
  return table;
}

// Owns .eh_frame_hdr: its header (version, eh_frame_ptr, fde_count and their encodings),
// its sorted binary-search table of (initial location, FDE address) pairs, and looking a
// pc up in it to find the FDE that covers it.
import { ByteReader } from './byte-reader';
import { DW_EH_PE_omit, readEncodedPointer, type PointerBases } from './pointer-encoding';
import type { EncodedPointer, Fde, FrameSection, SectionInfo } from './types';

export interface EhFrameHdrEntry {
  /** The initial location of the FDE (absolute address). */
  readonly location: number;
  /** The FDE's absolute address. */
  readonly fdeAddress: number;
}

export interface EhFrameHdr {
  readonly version: number;
  readonly ehFramePtrEncoding: number;
  readonly fdeCountEncoding: number;
  readonly tableEncoding: number;
  readonly ehFramePtr: EncodedPointer;
  /** Absolute address of .eh_frame the header points to. */
  readonly ehFrameAddress: number;
  readonly fdeCount: number;
  /** The search table, in stored (ascending) order; empty when omitted. */
  readonly table: readonly EhFrameHdrEntry[];
}

/** Parses .eh_frame_hdr; datarel pointers are relative to the header's own address. */
export function parseEhFrameHdr(section: SectionInfo): EhFrameHdr {
  const r = new ByteReader(section.bytes, section.fileName, section.name);
  const version = r.u8('version');
  if (version !== 1) r.fail(0, `unsupported .eh_frame_hdr version ${version}`);
  const ehFramePtrEncoding = r.u8('eh_frame_ptr encoding');
  const fdeCountEncoding = r.u8('fde_count encoding');
  const tableEncoding = r.u8('table encoding');
  const bases: PointerBases = { sectionAddress: section.address, addressSize: 4, dataBase: section.address };
  if (ehFramePtrEncoding === DW_EH_PE_omit) r.fail(1, 'eh_frame_ptr is omitted');
  const ehFramePtr = readEncodedPointer(r, ehFramePtrEncoding, bases, 'eh_frame_ptr');
  const ehFrameAddress = resolved(r, ehFramePtr, 'eh_frame_ptr');
  if (fdeCountEncoding === DW_EH_PE_omit || tableEncoding === DW_EH_PE_omit) {
    return { version, ehFramePtrEncoding, fdeCountEncoding, tableEncoding, ehFramePtr, ehFrameAddress, fdeCount: 0, table: [] };
  }
  const countAt = r.pos;
  const countPtr = readEncodedPointer(r, fdeCountEncoding, bases, 'fde_count');
  if (countPtr.raw < 0n || countPtr.raw > BigInt(r.remaining)) r.fail(countAt, `fde_count ${countPtr.raw} does not fit the section`);
  const fdeCount = Number(countPtr.raw);
  const table: EhFrameHdrEntry[] = [];
  let previous = -1;
  for (let i = 0; i < fdeCount; i++) {
    const at = r.pos;
    const location = resolved(r, readEncodedPointer(r, tableEncoding, bases, 'search table location'), 'search table location');
    const fdeAddress = resolved(r, readEncodedPointer(r, tableEncoding, bases, 'search table FDE address'), 'search table FDE address');
    if (location < previous) r.fail(at, 'search table is not sorted by initial location');
    previous = location;
    table.push({ location, fdeAddress });
  }
  return { version, ehFramePtrEncoding, fdeCountEncoding, tableEncoding, ehFramePtr, ehFrameAddress, fdeCount, table };
}

function resolved(r: ByteReader, p: EncodedPointer, what: string): number {
  if (p.value === undefined) r.fail(p.offset, `${what} uses an encoding (0x${p.encoding.toString(16)}) whose base is unknown`);
  if (p.indirect) r.fail(p.offset, `${what} is indirect`);
  return p.value;
}

/**
 * The FDE covering `pc`: binary search for the last table entry whose location is <= pc,
 * then the FDE at that address in `frames` if its range holds pc; undefined otherwise.
 */
export function lookupFde(hdr: EhFrameHdr, frames: FrameSection, pc: number): Fde | undefined {
  const table = hdr.table;
  let lo = 0;
  let hi = table.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (table[mid]!.location <= pc) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0) return undefined;
  const fde = fdesByOffset(frames).get(table[found]!.fdeAddress - frames.section.address);
  if (!fde) return undefined;
  return pc >= fde.start && pc - fde.start < fde.range ? fde : undefined;
}

const byOffset = new WeakMap<FrameSection, Map<number, Fde>>();

function fdesByOffset(frames: FrameSection): Map<number, Fde> {
  let map = byOffset.get(frames);
  if (!map) {
    map = new Map(frames.fdes.map((f) => [f.offset, f]));
    byOffset.set(frames, map);
  }
  return map;
}

// Owns .eh_frame as the linker treats it: splitting each input .eh_frame into its CIEs and
// FDEs, merging a CIE identical to one already placed (as GNU ld does), pointing each FDE
// at its CIE's new place, and building .eh_frame_hdr's sorted binary-search table.
import { InputError, hex } from '../errors';
import { parseFrameSection } from '../dwarf/cie-fde';
import type { FramePiece, InputSection } from './types';

const DW_EH_PE_pcrel_sdata4 = 0x1b;
const DW_EH_PE_udata4 = 0x03;
const DW_EH_PE_datarel_sdata4 = 0x3b;
/** Bytes of the .eh_frame_hdr header (version, 3 encodings, eh_frame_ptr, fde_count). */
const HDR_HEADER = 12;

/** Splits one input .eh_frame into pieces; a zero terminator ends it (and is dropped). */
export function splitFrames(section: InputSection): FramePiece[] {
  const data = section.section.data;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const fail = (offset: number, what: string): never => {
    throw new InputError(section.object.fileName, `section .eh_frame offset ${hex(offset)}`, what);
  };
  const pieces: FramePiece[] = [];
  const cies = new Set<number>();
  let at = 0;
  while (at < data.length) {
    if (at + 4 > data.length) fail(at, 'truncated length field');
    const length = view.getUint32(at, true);
    if (length === 0) break;
    if (length === 0xffffffff) fail(at, '64-bit DWARF entries are not supported in .eh_frame');
    const size = 4 + length;
    if (length < 4 || at + size > data.length) fail(at, `entry length ${hex(length)} runs past the section (size ${hex(data.length)})`);
    const id = view.getUint32(at + 4, true);
    if (id === 0) {
      cies.add(at);
      pieces.push({ inputOffset: at, size, isCie: true, outputOffset: 0, kept: true, cieInputOffset: at });
    } else {
      const cie = at + 4 - id;
      if (!cies.has(cie)) fail(at + 4, `FDE's CIE pointer ${hex(id)} does not lead to an earlier CIE of this section`);
      pieces.push({ inputOffset: at, size, isCie: false, outputOffset: 0, kept: true, cieInputOffset: cie });
    }
    at += size;
  }
  return pieces;
}

/**
 * Places the pieces of every input .eh_frame (in link order) into one output section:
 * returns its size. A CIE with the same bytes as a placed one, and no relocations in it,
 * is dropped and its FDEs use the placed copy.
 */
export function placeFrames(sections: readonly InputSection[]): number {
  const placedCies = new Map<string, number>();
  let offset = 0;
  for (const section of sections) {
    const pieces = section.pieces!;
    section.outputOffset = offset;
    const relocated = new Set(section.relocations.map((r) => r.offset));
    for (const p of pieces) {
      if (p.isCie) {
        let hasRelocation = false;
        for (let i = p.inputOffset; i < p.inputOffset + p.size && !hasRelocation; i++) hasRelocation = relocated.has(i);
        const key = hasRelocation ? undefined : Buffer.from(section.section.data.subarray(p.inputOffset, p.inputOffset + p.size)).toString('hex');
        const earlier = key === undefined ? undefined : placedCies.get(key);
        if (earlier !== undefined) {
          p.kept = false;
          p.outputOffset = earlier;
          continue;
        }
        if (key !== undefined) placedCies.set(key, offset);
      }
      p.outputOffset = offset;
      offset += p.size;
    }
  }
  return offset;
}

/** Copies the kept pieces into the output bytes and rewrites every FDE's CIE pointer. */
export function writeFrames(sections: readonly InputSection[], out: Uint8Array): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const section of sections) {
    const data = section.section.data;
    const cieOut = new Map<number, number>();
    for (const p of section.pieces!) if (p.isCie) cieOut.set(p.inputOffset, p.outputOffset);
    for (const p of section.pieces!) {
      if (!p.kept) continue;
      out.set(data.subarray(p.inputOffset, p.inputOffset + p.size), p.outputOffset);
      if (!p.isCie) view.setUint32(p.outputOffset + 4, p.outputOffset + 4 - cieOut.get(p.cieInputOffset)!, true);
    }
  }
}

/** Size of the .eh_frame_hdr for these inputs (header plus 8 bytes per FDE). */
export function frameHeaderSize(sections: readonly InputSection[]): number {
  let fdes = 0;
  for (const s of sections) for (const p of s.pieces!) if (!p.isCie) fdes++;
  return HDR_HEADER + 8 * fdes;
}

/**
 * .eh_frame_hdr for the final (relocated) .eh_frame at `frameAddress`: version 1,
 * eh_frame_ptr pcrel|sdata4, fde_count udata4, table datarel|sdata4 sorted by initial location.
 */
export function buildFrameHeader(fileName: string, frames: Uint8Array, frameAddress: number, headerAddress: number): Uint8Array {
  const parsed = parseFrameSection({ fileName, name: '.eh_frame', address: frameAddress, bytes: frames }, 'eh_frame');
  const rows = parsed.fdes.map((f) => ({ location: f.start, fde: (frameAddress + f.offset) >>> 0 }));
  rows.sort((a, b) => a.location - b.location);
  const out = new Uint8Array(HDR_HEADER + 8 * rows.length);
  const view = new DataView(out.buffer);
  out.set([1, DW_EH_PE_pcrel_sdata4, DW_EH_PE_udata4, DW_EH_PE_datarel_sdata4]);
  view.setInt32(4, (frameAddress - (headerAddress + 4)) | 0, true);
  view.setUint32(8, rows.length, true);
  rows.forEach((row, i) => {
    view.setInt32(HDR_HEADER + 8 * i, (row.location - headerAddress) | 0, true);
    view.setInt32(HDR_HEADER + 8 * i + 4, (row.fde - headerAddress) | 0, true);
  });
  return out;
}

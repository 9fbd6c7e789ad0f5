// Owns the unwinder tests' guest memory: byte regions placed at addresses (a stack dump, an
// image's loaded segments), read little-endian; anything outside the regions is unreadable.
import type { ElfFile } from '../../toolchain/elf/types';
import type { MemoryReader } from '../../toolchain/dwarf/unwind-types';

const PT_LOAD = 1;

export class RegionMemory implements MemoryReader {
  private readonly regions: { start: number; bytes: Uint8Array }[] = [];

  map(start: number, bytes: Uint8Array): this {
    this.regions.push({ start: start >>> 0, bytes });
    return this;
  }

  /** Maps the PT_LOAD segments of an ELF file at their addresses plus `bias`. */
  mapElf(elf: ElfFile, bias = 0): this {
    for (const ph of elf.programHeaders) {
      if (ph.type !== PT_LOAD) continue;
      const bytes = new Uint8Array(ph.memsz);
      bytes.set(elf.bytes.subarray(ph.offset, ph.offset + Math.min(ph.filesz, ph.memsz)));
      this.map(ph.vaddr + bias, bytes);
    }
    return this;
  }

  /** Stores a 32-bit value (the address must lie in a region). */
  write32(address: number, value: number): void {
    const r = this.regionOf(address, 4);
    if (!r) throw new Error(`test bug: 0x${address.toString(16)} is not mapped`);
    new DataView(r.bytes.buffer, r.bytes.byteOffset).setUint32(address - r.start, value >>> 0, true);
  }

  readMemory(address: number, size: number): number | undefined {
    const r = this.regionOf(address >>> 0, size);
    if (!r) return undefined;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + r.bytes[(address >>> 0) - r.start + i]!;
    return v;
  }

  private regionOf(address: number, size: number): { start: number; bytes: Uint8Array } | undefined {
    return this.regions.find((r) => address >= r.start && address + size <= r.start + r.bytes.length);
  }
}

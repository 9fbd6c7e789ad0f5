// Owns mapping an address of a built stub image back to the source line it came from: the
// assembler's line entries (module.lines, offsets in the object's sections) are moved to
// image addresses by the distance between a global symbol's value in the object and in the
// linked image (one distance per object and section), so that a finding can say
// `vdso/upstream.S:42`.
import type { AsmModule, SourceLocation } from '../../toolchain/asm/module';
import type { ElfFile } from '../../toolchain/elf/types';

export interface SourceLines {
  /** The line whose bytes cover the image address `vaddr` (link-time, image-relative). */
  at(vaddr: number): SourceLocation | undefined;
}

interface PlacedLine {
  readonly start: number;
  readonly end: number;
  readonly location: SourceLocation;
}

/** The line map of an image linked from `modules`; sections no symbol anchors are left out. */
export function sourceLines(modules: readonly AsmModule[], image: ElfFile): SourceLines {
  const imageValue = new Map<string, number>();
  for (const s of [...image.symbols, ...image.dynamicSymbols]) if (s.name && s.shndx !== 0 && !imageValue.has(s.name)) imageValue.set(s.name, s.value);
  const placed: PlacedLine[] = [];
  for (const module of modules) {
    const delta = new Map<string, number>();
    for (const sym of module.symbols) {
      if (sym.binding === 'local' || delta.has(sym.section)) continue;
      const v = imageValue.get(sym.name);
      if (v !== undefined) delta.set(sym.section, v - sym.value);
    }
    for (const line of module.lines) {
      const d = delta.get(line.section);
      if (d === undefined) continue;
      placed.push({ start: line.offset + d, end: line.offset + d + line.length, location: line.location });
    }
    // An alternative site's bytes (patched in at load) belong to its ALTERNATIVE line.
    for (const site of module.alternatives) {
      const d = delta.get(site.section);
      if (d === undefined) continue;
      const start = site.offset + d;
      if (!placed.some((p) => p.start < start + site.length && start < p.end)) placed.push({ start, end: start + site.length, location: site.location });
    }
  }
  placed.sort((a, b) => a.start - b.start);
  return {
    at(vaddr: number): SourceLocation | undefined {
      let lo = 0;
      let hi = placed.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const p = placed[mid]!;
        if (vaddr < p.start) hi = mid - 1;
        else if (vaddr >= p.end) lo = mid + 1;
        else return p.location;
      }
      return undefined;
    },
  };
}

export function formatLocation(l: SourceLocation): string {
  return `${l.file}:${l.line}`;
}

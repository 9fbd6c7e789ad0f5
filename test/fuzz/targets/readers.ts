// Owns the fuzz targets for the binary readers: ELF files, .eh_frame/.debug_frame (parsed,
// printed both ways, turned into rows and JSON), DWARF expressions (decoded, printed,
// evaluated), .debug_line and .debug_info, the kernel image's LZ4 decoder, and the x86
// decoder. Seeds are small real files gcc -m32, as and lz4 make at run time.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf32 } from '../../../toolchain/elf/reader';
import { versionedName } from '../../../toolchain/elf/names';
import type { ElfFile } from '../../../toolchain/elf/types';
import { selectSymbols } from '../../../cli/commands/symbols';
import { parseFrameSection } from '../../../toolchain/dwarf/cie-fde';
import { relocatedSectionBytes } from '../../../toolchain/dwarf/relocate';
import { formatFrameSection } from '../../../toolchain/dwarf/readelf-frames';
import { buildRowTable } from '../../../toolchain/dwarf/rows';
import { frameSectionJson } from '../../../toolchain/dwarf/json';
import { ByteReader } from '../../../toolchain/dwarf/byte-reader';
import { decodeExpression } from '../../../toolchain/dwarf/expression';
import { formatExpression } from '../../../toolchain/dwarf/readelf-expression';
import { evaluateExpression } from '../../../toolchain/dwarf/evaluate';
import { debugSectionBytes } from '../../../toolchain/dwarf/elf-lines';
import { parseLineSection } from '../../../toolchain/dwarf/line-table';
import { formatDecodedLines } from '../../../toolchain/dwarf/readelf-lines';
import { compileUnitsOf } from '../../../toolchain/dwarf/debug-info';
import { decompressLz4Legacy } from '../../../toolchain/image/lz4-legacy';
import { disassembleBytes } from '../../../toolchain/isa/disassemble';
import { assemble, buildC, run } from '../../support/oracles';
import { fixedFolder } from '../../support/builds';
import { HAND_EH_FRAME_1, HAND_EH_FRAME_2 } from '../../dwarf/frames-fixtures';
import { LIBRARY_C, LIBRARY_MAP, OBJECT_C } from '../../elf/programs';
import { concat, type Region } from '../mutate';
import { check, rejected, type FuzzTarget, type Seed } from '../target';

const FILE = 'fuzz.o';
const elfOf = (path: string): ElfFile => parseElf32(new Uint8Array(readFileSync(path)), path);
const seed = (name: string, bytes: Uint8Array): Seed => ({ name, bytes });

const FRAMES_C = 'int g(int); int f(int x) { return g(x) + g(x + 1); }';

/** The objects and programs the reader seeds come from, built once per run in `dir`. */
function builtFiles(dir: string): { object: string; dwarf4: string; dwarf5: string; frames: string; program: string; library: string; hand1: string; hand2: string } {
  writeFileSync(join(dir, 'lib.map'), LIBRARY_MAP);
  const vla = 'int g(int); int f(int x) { int a[x]; for (int i = 0; i < x; i++) a[i] = g(i); return a[0] + g(x); }';
  return {
    // With debug information, in folders of their own that are the same in every run (builds.ts
    // fixedFolder): built once per machine, and the same seeds each run.
    object: buildC('object', OBJECT_C, ['-c', '-O1', '-g', '-fcommon'], fixedFolder({ 'object.c': OBJECT_C })),
    dwarf4: buildC('dwarf4', vla, ['-c', '-O2', '-gdwarf-4'], fixedFolder({ 'dwarf4.c': vla })),
    dwarf5: buildC('dwarf5', vla, ['-c', '-O2', '-gdwarf-5'], fixedFolder({ 'dwarf5.c': vla })),
    frames: buildC('frames', FRAMES_C, ['-c', '-O0', '-g', '-fno-asynchronous-unwind-tables'], fixedFolder({ 'frames.c': FRAMES_C })),
    program: buildC('program', 'int main(int c, char **v) { return c + v[0][0]; }', ['-O1', '-nostartfiles', '-nostdlib', '-e', 'main', '-static'], dir),
    library: buildC('lib.so', LIBRARY_C, ['-shared', '-fPIC', `-Wl,--version-script=${join(dir, 'lib.map')}`], dir),
    hand1: assemble('hand1', HAND_EH_FRAME_1, dir),
    hand2: assemble('hand2', HAND_EH_FRAME_2, dir),
  };
}

const built = new Map<string, ReturnType<typeof builtFiles>>();
function files(dir: string): ReturnType<typeof builtFiles> {
  if (!built.has(dir)) built.set(dir, builtFiles(dir));
  return built.get(dir)!;
}

/** Header, program and section headers, and the structured sections of an ELF file. */
function elfRegions(s: Seed): Region[] {
  try {
    const elf = parseElf32(s.bytes, s.name);
    const h = elf.header;
    const out: Region[] = [{ start: 0, size: 52 }];
    if (h.phnum) out.push({ start: h.phoff, size: h.phnum * 32 });
    if (h.shnum) out.push({ start: h.shoff, size: h.shnum * 40 });
    const structured = new Set([2, 3, 6, 7, 9, 11, 0x6ffffffd, 0x6ffffffe, 0x6fffffff]);
    for (const sec of elf.sections) {
      if ((structured.has(sec.type) || sec.name.startsWith('.debug_')) && sec.size && sec.type !== 8) out.push({ start: sec.offset, size: Math.min(sec.size, 4096) });
    }
    return out;
  } catch {
    return [];
  }
}

/** Touches everything a consumer reads from a parsed file, so that lazy faults show. */
function consumeElf(elf: ElfFile): void {
  const end = elf.bytes.byteOffset + elf.bytes.length;
  for (const s of elf.sections) {
    check(s.data.byteOffset + s.data.length <= end && typeof s.name === 'string', `section ${s.name} lies outside the file`);
    check(elf.section(s.name)?.name === s.name, `section ${s.name} is not found by its name`);
  }
  for (const sym of [...elf.symbols, ...elf.dynamicSymbols]) check(typeof versionedName(sym) === 'string', 'a symbol without a name');
  for (const n of elf.notes) check(n.desc.byteOffset + n.desc.length <= end, 'a note outside the file');
  selectSymbols(elf, true);
  selectSymbols(elf, false);
}

export const elfTarget: FuzzTarget = {
  name: 'elf',
  testInputs: 3000,
  what: 'ELF files (headers, sections, symbols, versions, notes): parsed and every part read, or one InputError',
  kind: 'bytes',
  made: (dir) => {
    const f = files(dir);
    return [f.object, f.program, f.library, f.hand1].map((p) => seed(p, new Uint8Array(readFileSync(p))));
  },
  regions: elfRegions,
  run(input) {
    try {
      consumeElf(parseElf32(input, FILE));
      return 'accepted';
    } catch (e) {
      return rejected(e, FILE);
    }
  },
};

/** A frame section's seed: one byte saying which kind (0 .eh_frame, else .debug_frame), then its bytes. */
function frameSeeds(path: string): Seed[] {
  const elf = elfOf(path);
  return elf.sections
    .filter((s) => s.name === '.eh_frame' || s.name === '.debug_frame')
    .map((s) => seed(`${path}${s.name}`, concat(Uint8Array.of(s.name === '.eh_frame' ? 0 : 1), relocatedSectionBytes(elf, s).slice(0, 4096))));
}

export const cfiTarget: FuzzTarget = {
  name: 'cfi',
  testInputs: 2000,
  what: '.eh_frame and .debug_frame bytes: parsed, printed as readelf --debug-dump=frames and frames-interp, rows and JSON, or one InputError',
  kind: 'bytes',
  made: (dir) => {
    const f = files(dir);
    return [f.dwarf4, f.frames, f.hand1, f.hand2].flatMap(frameSeeds);
  },
  run(input) {
    const name = input[0] === 0 ? '.eh_frame' : '.debug_frame';
    try {
      const frames = parseFrameSection({ fileName: FILE, name, address: 0x1000, bytes: input.subarray(1) }, name === '.eh_frame' ? 'eh_frame' : 'debug_frame');
      formatFrameSection(frames, false);
      formatFrameSection(frames, true);
      for (const fde of frames.fdes) buildRowTable(fde);
      JSON.stringify(frameSectionJson(frames));
      return 'accepted';
    } catch (e) {
      const outcome = rejected(e, FILE);
      check((e as Error).message.startsWith(`${FILE}: section ${name} offset 0x`), `an InputError without the section and offset: ${(e as Error).message}`);
      return outcome;
    }
  },
};

export const dwarfExpressionTarget: FuzzTarget = {
  name: 'dwarf-expression',
  testInputs: 10000,
  what: 'DWARF expressions: decoded, printed as readelf prints them, evaluated against registers and memory (bounded steps), or one InputError',
  kind: 'bytes',
  run(input) {
    const r = new ByteReader(input, FILE, '.eh_frame');
    let expr;
    try {
      expr = decodeExpression(r, input.length, { addressSize: 4, sectionAddress: 0x1000 });
      formatExpression(expr, 4);
    } catch (e) {
      return rejected(e, FILE);
    }
    const result = evaluateExpression(expr, {
      readRegister: (n) => (n < 9 ? 0x1000 * (n + 1) : undefined),
      readMemory: (address, size) => (address >= 0x1000 && address < 0x20000 ? (address * 7) & (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1) : undefined),
    }, { initialStack: [0x8000], cfa: 0x9000 });
    check(typeof result === 'object' && result !== null, 'evaluation gave no result');
    return 'accepted';
  },
};

/** A .debug_line seed: its length (4 bytes), the section, then .debug_line_str. */
function lineSeed(path: string): Seed {
  const elf = elfOf(path);
  const line = debugSectionBytes(elf, '.debug_line')!;
  const lineStr = debugSectionBytes(elf, '.debug_line_str') ?? new Uint8Array(0);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, line.length, true);
  return seed(`${path}.debug_line`, concat(length, line, lineStr));
}

export const debugLineTarget: FuzzTarget = {
  name: 'debug-line',
  testInputs: 2000,
  what: '.debug_line (DWARF 2 to 5) with .debug_line_str: parsed and printed as readelf --debug-dump=decodedline, or one InputError naming section and offset',
  kind: 'bytes',
  made: (dir) => {
    const f = files(dir);
    return [f.object, f.dwarf4, f.dwarf5, f.frames].filter((p) => debugSectionBytes(elfOf(p), '.debug_line')).map(lineSeed);
  },
  regions: () => [{ start: 4, size: 256 }],
  run(input) {
    const declared = input.length >= 4 ? new DataView(input.buffer, input.byteOffset, 4).getUint32(0, true) : 0;
    const split = Math.min(input.length, 4 + declared);
    try {
      formatDecodedLines(parseLineSection({ fileName: FILE, bytes: input.subarray(Math.min(4, input.length), split), lineStr: input.subarray(split) }));
      return 'accepted';
    } catch (e) {
      const outcome = rejected(e, FILE);
      check(/^fuzz\.o: section \.debug_line(_str)? offset 0x[0-9a-f]+: /.test((e as Error).message), `an InputError without the section and offset: ${(e as Error).message}`);
      return outcome;
    }
  },
};

export const debugInfoTarget: FuzzTarget = {
  name: 'debug-info',
  testInputs: 1500,
  what: '.debug_info and .debug_abbrev of gcc -g objects: compile units, functions and ranges, or one InputError',
  kind: 'bytes',
  made: (dir) => {
    const f = files(dir);
    return [f.object, f.dwarf4, f.dwarf5].map((p) => seed(p, new Uint8Array(readFileSync(p))));
  },
  regions: (s) => {
    try {
      const elf = parseElf32(s.bytes, s.name);
      return elf.sections.filter((x) => x.name === '.debug_info' || x.name === '.debug_abbrev' || x.name === '.debug_str' || x.name === '.debug_rnglists').map((x) => ({ start: x.offset, size: x.size }));
    } catch {
      return [];
    }
  },
  run(input) {
    try {
      for (const unit of compileUnitsOf(parseElf32(input, FILE))) JSON.stringify(unit);
      return 'accepted';
    } catch (e) {
      return rejected(e, FILE);
    }
  },
};

export const lz4Target: FuzzTarget = {
  name: 'lz4',
  testInputs: 300,
  what: 'LZ4 legacy streams (kernel images): decoded within the output limit, or one InputError',
  kind: 'bytes',
  made: (dir) => {
    const sample = join(dir, 'sample');
    writeFileSync(sample, Array.from({ length: 3000 }, (_, i) => `line ${i % 97} of ${'ab'.repeat(i % 13)} ${i * 7919}\n`).join(''));
    run('lz4', ['-l', '-9', '-f', '-q', sample, `${sample}.lz4`]);
    return [seed(`${sample}.lz4`, new Uint8Array(readFileSync(`${sample}.lz4`)))];
  },
  run(input) {
    try {
      const out = decompressLz4Legacy(input, FILE, 0, 1 << 20);
      check(out.length <= 1 << 20, `decoded ${out.length} bytes past the limit`);
      return 'accepted';
    } catch (e) {
      return rejected(e, FILE);
    }
  },
};

export const decoderTarget: FuzzTarget = {
  name: 'decoder',
  testInputs: 1000,
  what: 'x86 machine code: every byte sequence decodes and prints as objdump -d lines (never throws), each line moving forward',
  kind: 'bytes',
  made: (dir) => {
    const f = files(dir);
    return [f.object, f.program, f.library].map((p) => {
      const elf = elfOf(p);
      return seed(`${p}.text`, elf.section('.text')!.data.slice(0, 4096));
    });
  },
  run(input) {
    let next = 0x1000;
    for (const line of disassembleBytes(input, 0x1000)) {
      check(line.address === next && line.bytes.length > 0 && !/[\n\r]/.test(line.text), `line at 0x${line.address.toString(16)}: ${JSON.stringify(line)}`);
      next += line.bytes.split(' ').length;
    }
    check(next === 0x1000 + input.length, 'the lines do not cover the bytes');
    return 'accepted';
  },
};

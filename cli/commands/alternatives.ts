// Owns `vdso-lab alternatives FILE [--cpu X] [--kernel Y] [--json]`: the alternatives table
// of a vDSO image (a .so, a .S assembled and linked with vdso-lab's toolchain, or a shipped
// design's name) with each entry's site, feature, lengths and bytes disassembled, then the
// bytes the kernel patches for that CPU model and kernel kind (emulator/kernel/vdso/alternatives.ts).
import { existsSync } from 'node:fs';
import { readInputFile } from '../../toolchain/input-file';
import { resolve } from 'node:path';
import { EXIT_OK, flag, type CliIo, type Command, type ParsedArgs } from '../command';
import { InputError, hex } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import { SHF_ALLOC, SHT_NOBITS } from '../../toolchain/elf/sections';
import type { ElfFile } from '../../toolchain/elf/types';
import { disassembleBytes, type DisassembledLine } from '../../toolchain/isa/disassemble';
import { makeSymbolizer, type Symbolizer } from '../../toolchain/isa/symbolizer';
import { designImage } from '../../toolchain/designs/kept-images';
import { findDesign } from '../../toolchain/designs/registry';
import { CPU_MODELS, DEFAULT_CPU, DEFAULT_KERNEL, KERNEL_ABIS, KERNEL_KINDS, type CpuModel, type KernelKind } from '../../toolchain/designs/options';
import { applyAlternatives, featureWords, type AltEntry } from '../../emulator/kernel/vdso/alternatives';
import { buildUserStub } from '../user-stub';
import { MODEL_OPTIONS, oneOf } from '../model-options';

function lineText(l: DisassembledLine): string {
  return `${l.address.toString(16).padStart(8)}:\t${l.bytes.padEnd(21)}\t${l.text}`;
}

function hexBytes(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** Reads FILE: an ELF image, a .S/.s built into a vDSO image, or a shipped design's name. */
function loadImage(file: string, io: CliIo, cpu: CpuModel, kernel: KernelKind): Uint8Array {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) {
    if (findDesign(file)) return designImage(file, kernel, { cpu });
    throw new InputError(file, '', `no such file (nor a design name: ${KERNEL_ABIS.join(', ')})`);
  }
  if (!/\.[sS]$/.test(file)) return readInputFile(path, file);
  return buildUserStub(path, file, kernel).bytes;
}

function siteName(symbolize: Symbolizer, address: number): string {
  const s = symbolize(address);
  return s ? `${hex(address)} <${s}>` : hex(address);
}

function bytesAt(elf: ElfFile, bytes: Uint8Array, address: number, length: number): Uint8Array {
  const s = elf.sections.find((x) => x.type !== SHT_NOBITS && address >= x.addr && address + length <= x.addr + x.size && (x.flags & SHF_ALLOC) !== 0);
  if (!s) return new Uint8Array(0);
  const at = s.offset + address - s.addr;
  return bytes.slice(at, at + length);
}

export const alternativesCommand: Command = {
  usage: `FILE [--cpu ${CPU_MODELS.join('|')}] [--kernel ${KERNEL_KINDS.join('|')}] [--json]`,
  options: {
    cpu: MODEL_OPTIONS.cpu,
    kernel: MODEL_OPTIONS.kernel,
    json: { type: 'boolean', help: 'print the table and the patches as JSON' },
  },
  positionals: [1, 1],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const file = args.positionals[0]!;
    const cpu = oneOf(args, 'cpu', CPU_MODELS, DEFAULT_CPU);
    const kernel = oneOf(args, 'kernel', KERNEL_KINDS, DEFAULT_KERNEL);
    const image = loadImage(file, io, cpu, kernel);
    const elf = parseElf32(image, file);
    const result = applyAlternatives(elf, { cpu, kernel, fileName: file });
    const symbolize = makeSymbolizer(elf.symbols, elf.dynamicSymbols);
    const steps = new Map(result.steps.map((s) => [s.entry.index, s]));
    const entries = result.table.entries.map((e: AltEntry) => {
      const original = bytesAt(elf, image, e.site, e.instrlen);
      const replacement = bytesAt(elf, image, e.replacement, e.replacementlen);
      const step = steps.get(e.index)!;
      return {
        index: e.index,
        site: e.site,
        siteName: siteName(symbolize, e.site),
        feature: step.feature,
        featureNumber: e.feature,
        featureWords: featureWords(e.feature),
        invert: e.invert,
        instrlen: e.instrlen,
        replacement: e.replacement,
        replacementlen: e.replacementlen,
        ...(e.padlen !== undefined ? { padlen: e.padlen } : {}),
        applied: step.applied,
        originalBytes: hexBytes(original),
        replacementBytes: hexBytes(replacement),
        originalCode: disassembleBytes(original, e.site, symbolize),
        replacementCode: disassembleBytes(replacement, e.replacement, symbolize),
      };
    });
    const patches = result.patches.map((p) => ({
      address: p.address,
      siteName: siteName(symbolize, p.address),
      feature: p.feature,
      before: hexBytes(p.before),
      after: hexBytes(p.after),
      code: disassembleBytes(p.after, p.address, symbolize),
    }));
    if (flag(args, 'json')) {
      io.out(JSON.stringify({ file, cpu, kernel, layout: result.table.layout, layoutFrom: result.table.layoutFrom, entries, patches, held: result.held }, null, 2) + '\n');
      return EXIT_OK;
    }
    const out: string[] = [
      `${file}: .altinstructions: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${result.table.layout}-byte struct alt_instr, ${result.table.layoutFrom})`,
      `cpu ${cpu}, kernel ${kernel}`,
      '',
    ];
    for (const e of entries) {
      const pad = e.padlen !== undefined ? `, padlen ${e.padlen}` : '';
      out.push(`#${e.index} site ${e.siteName} len ${e.instrlen}${pad}: ${e.feature} (${e.featureWords} = ${e.featureNumber}), replacement ${hex(e.replacement)} len ${e.replacementlen}: ${e.applied ? 'applied' : 'not applied'}`);
      out.push(`  original:    ${e.originalBytes}`, ...e.originalCode.map((l) => '    ' + lineText(l)));
      out.push(`  replacement: ${e.replacementBytes || '(empty)'}`, ...e.replacementCode.map((l) => '    ' + lineText(l)));
    }
    for (const h of result.held) {
      out.push(`note: site ${siteName(symbolize, h.address)} already holds the ${h.feature} replacement (an image copied from a running kernel)${h.originalLost ? `; ${cpu}/${kernel} needs the original, which the image no longer has: the site keeps these bytes` : ''}`);
    }
    out.push('', `patched for ${cpu}/${kernel}: ${patches.length} site${patches.length === 1 ? '' : 's'}`);
    for (const p of patches) {
      out.push(`${p.siteName}: ${p.before} -> ${p.after} (${p.feature})`, ...p.code.map(lineText));
    }
    io.out(out.join('\n') + '\n');
    return EXIT_OK;
  },
};

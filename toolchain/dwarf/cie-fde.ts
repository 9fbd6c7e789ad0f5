// Owns parsing a whole .eh_frame or .debug_frame section into CIEs, FDEs and zero
// terminators: length fields (32- and 64-bit DWARF), CIE ids and FDE CIE pointers,
// CIE versions 1/3/4, the z/R/P/L/S and "eh" augmentations, FDE LSDA pointers.
import { ByteReader } from './byte-reader';
import { decodeCfaInstructions, type CfaDecodeContext } from './cfa-ops';
import { DW_EH_PE_absptr, DW_EH_PE_omit, encodedSize, isValidEncoding, readEncodedPointer, type PointerBases } from './pointer-encoding';
import type { CfaInstruction, Cie, EncodedPointer, Fde, FrameEntry, FrameSection, FrameSectionKind, SectionInfo, Terminator } from './types';

export interface FrameParseOptions {
  /** Target address size: 4 for i386 (readelf's eh_addr_size). */
  readonly addressSize?: number;
  /** Base for DW_EH_PE_datarel pointers (the GOT on i386), when known. */
  readonly dataBase?: number;
  /** Base for DW_EH_PE_textrel pointers, when known. */
  readonly textBase?: number;
  /**
   * Each FDE's instructions are decoded when first read, not with the section (the unwinder
   * reads the few FDEs it steps through: a static program's .eh_frame holds about a thousand);
   * bad bytes in them then throw at that read.
   */
  readonly lazyInstructions?: boolean;
}

const DEBUG_CIE_ID_32 = 0xffffffffn;
const DEBUG_CIE_ID_64 = 0xffffffffffffffffn;

interface EntryHeader {
  readonly offset: number;
  readonly length: number;
  readonly offsetSize: number;
  /** Offset of the CIE id / CIE pointer field. */
  readonly idAt: number;
  readonly id: bigint;
  /** Reader over the entry, positioned after the id. */
  readonly body: ByteReader;
}

/** Parses every entry of a frame section; bad bytes throw a one-line InputError. */
export function parseFrameSection(section: SectionInfo, kind: FrameSectionKind, options: FrameParseOptions = {}): FrameSection {
  return new FrameParser(section, kind, options).parse();
}

class FrameParser {
  private readonly r: ByteReader;
  private readonly addressSize: number;
  private readonly cieCache = new Map<number, Cie>();

  constructor(
    private readonly section: SectionInfo,
    private readonly kind: FrameSectionKind,
    private readonly options: FrameParseOptions,
  ) {
    this.r = new ByteReader(section.bytes, section.fileName, section.name);
    this.addressSize = options.addressSize ?? 4;
  }

  parse(): FrameSection {
    const entries: FrameEntry[] = [];
    const r = this.r;
    while (!r.atEnd()) {
      const offset = r.pos;
      if (r.remaining < 4) r.fail(offset, `${r.remaining} trailing bytes are too few for an entry's length`);
      if (r.u32() === 0) {
        // A zero length ends the table for libgcc; readelf notes it, skips the zero
        // bytes after it and goes on, and so does this parser.
        while (r.pos < r.end && r.bytes[r.pos] === 0) r.pos++;
        const t: Terminator = { kind: 'terminator', offset, end: r.pos };
        entries.push(t);
        continue;
      }
      r.pos = offset;
      const header = this.readHeader(offset);
      if (this.isCieId(header)) {
        entries.push(this.cieFrom(header));
      } else {
        entries.push(this.fdeFrom(header));
      }
      r.pos = header.body.end;
    }
    return {
      kind: this.kind,
      section: this.section,
      entries,
      cies: entries.filter((e): e is Cie => e.kind === 'cie'),
      fdes: entries.filter((e): e is Fde => e.kind === 'fde'),
    };
  }

  private readHeader(offset: number): EntryHeader {
    const r = new ByteReader(this.section.bytes, this.section.fileName, this.section.name, offset);
    let length = r.u32('entry length');
    let offsetSize = 4;
    if (length === 0xffffffff) {
      const big = r.u64('64-bit entry length');
      if (big > BigInt(r.remaining)) r.fail(offset, `entry length 0x${big.toString(16)} runs past the end of the section`);
      length = Number(big);
      offsetSize = 8;
    }
    if (length > r.remaining) r.fail(offset, `entry length 0x${length.toString(16)} runs past the end of the section`);
    if (length < offsetSize) r.fail(offset, `entry length 0x${length.toString(16)} is too short for its CIE id`);
    const body = r.sub(r.pos, r.pos + length);
    const idAt = body.pos;
    const id = body.unsigned(offsetSize, 'CIE id');
    return { offset, length, offsetSize, idAt, id, body };
  }

  private isCieId(h: EntryHeader): boolean {
    if (this.kind === 'eh_frame') return h.id === 0n;
    return h.id === (h.offsetSize === 8 ? DEBUG_CIE_ID_64 : DEBUG_CIE_ID_32);
  }

  private bases(addressSize: number): PointerBases {
    return {
      sectionAddress: this.section.address,
      addressSize,
      ...(this.options.dataBase !== undefined ? { dataBase: this.options.dataBase } : {}),
      ...(this.options.textBase !== undefined ? { textBase: this.options.textBase } : {}),
    };
  }

  private cieAt(offset: number, from: number): Cie {
    const cached = this.cieCache.get(offset);
    if (cached) return cached;
    const r = this.r;
    if (offset < 0 || offset + 4 > this.section.bytes.length) r.fail(from, `CIE pointer leads to offset ${offset < 0 ? '-0x' + (-offset).toString(16) : '0x' + offset.toString(16)}, outside the section`);
    const header = this.readHeader(offset);
    if (!this.isCieId(header)) r.fail(from, `CIE pointer leads to offset 0x${offset.toString(16)}, which is not a CIE`);
    return this.cieFrom(header);
  }

  private cieFrom(h: EntryHeader): Cie {
    const cached = this.cieCache.get(h.offset);
    if (cached) return cached;
    const r = h.body;
    const versionAt = r.pos;
    const version = r.u8('CIE version');
    if (version < 1 || version > 4) r.fail(versionAt, `unsupported CIE version ${version}`);
    const augmentation = r.cstring('CIE augmentation string');
    if (augmentation === 'eh') r.skip(this.addressSize, 'CIE "eh" data');
    let addressSize = this.addressSize;
    let segmentSize = 0;
    if (version >= 4) {
      const at = r.pos;
      addressSize = r.u8('CIE address size');
      segmentSize = r.u8('CIE segment selector size');
      if (![2, 4, 8].includes(addressSize)) r.fail(at, `unsupported CIE address size ${addressSize}`);
      if (![0, 1, 2, 4, 8].includes(segmentSize) || segmentSize + addressSize > 8) r.fail(at + 1, `unsupported CIE segment selector size ${segmentSize}`);
    }
    const codeAlignment = r.uleb('CIE code alignment factor');
    const dataAlignment = r.sleb('CIE data alignment factor');
    const raAt = r.pos;
    const returnAddressRegister = version === 1 ? r.u8('CIE return address column') : r.uleb('CIE return address column');
    if (returnAddressRegister > 0xffff) r.fail(raAt, `return address column ${returnAddressRegister} is out of range`);
    let augmentationData: Uint8Array = new Uint8Array(0);
    let fdeEncoding = DW_EH_PE_absptr;
    let lsdaEncoding: number | undefined;
    let personality: EncodedPointer | undefined;
    let signalFrame = false;
    if (augmentation.startsWith('z')) {
      const lenAt = r.pos;
      const len = r.uleb('CIE augmentation data length');
      if (len > r.remaining) r.fail(lenAt, `CIE augmentation data of ${len} bytes runs past the end of the CIE`);
      const dataStart = r.pos;
      augmentationData = r.bytesView(len, 'CIE augmentation data');
      const a = r.sub(dataStart, dataStart + len);
      for (const letter of augmentation.slice(1)) {
        if (letter === 'S') { signalFrame = true; continue; }
        if (letter !== 'L' && letter !== 'P' && letter !== 'R') break;
        if (a.atEnd()) break;
        const encAt = a.pos;
        const enc = a.u8(`'${letter}' encoding`);
        if (!isValidEncoding(enc)) a.fail(encAt, `invalid pointer encoding 0x${enc.toString(16)} for augmentation '${letter}'`);
        if (letter === 'L') lsdaEncoding = enc;
        else if (letter === 'R') {
          if (enc === DW_EH_PE_omit) a.fail(encAt, 'FDE pointer encoding is DW_EH_PE_omit');
          fdeEncoding = enc;
        } else if (enc !== DW_EH_PE_omit) personality = readEncodedPointer(a, enc, this.bases(addressSize), 'personality pointer');
      }
    }
    const ctx: CfaDecodeContext = { fdeEncoding, bases: this.bases(addressSize) };
    const instructions = decodeCfaInstructions(r, ctx);
    const cie: Cie = {
      kind: 'cie', offset: h.offset, length: h.length, offsetSize: h.offsetSize, id: h.id, version, augmentation,
      addressSize, segmentSize, codeAlignment, dataAlignment, returnAddressRegister, augmentationData,
      fdeEncoding, lsdaEncoding, personality, signalFrame, instructions, end: r.end,
    };
    this.cieCache.set(h.offset, cie);
    return cie;
  }

  private fdeFrom(h: EntryHeader): Fde {
    const r = h.body;
    let cieOffset: number;
    if (this.kind === 'eh_frame') {
      const delta = BigInt.asIntN(h.offsetSize * 8, h.id);
      cieOffset = Number(BigInt(h.idAt) - delta);
    } else {
      cieOffset = h.id > BigInt(this.section.bytes.length) ? -1 : Number(h.id);
    }
    const cie = this.cieAt(cieOffset, h.idAt);
    const bases = this.bases(cie.addressSize);
    const segment = cie.segmentSize ? Number(r.unsigned(cie.segmentSize, 'FDE segment selector')) : 0;
    const pcBegin = readEncodedPointer(r, cie.fdeEncoding, bases, 'FDE initial location');
    const rangeAt = r.pos;
    const size = encodedSize(cie.fdeEncoding, cie.addressSize);
    const rangeBig = size ? r.unsigned(size, 'FDE address range') : r.ulebBig('FDE address range');
    if (rangeBig > 0xffffffffn) r.fail(rangeAt, `FDE address range 0x${rangeBig.toString(16)} exceeds 32 bits`);
    const range = Number(rangeBig);
    const start = pcBegin.value ?? Number(BigInt.asUintN(32, pcBegin.raw));
    let augmentationData: Uint8Array = new Uint8Array(0);
    let lsda: EncodedPointer | undefined;
    if (cie.augmentation.startsWith('z')) {
      const lenAt = r.pos;
      const len = r.uleb('FDE augmentation data length');
      if (len > r.remaining) r.fail(lenAt, `FDE augmentation data of ${len} bytes runs past the end of the FDE`);
      const dataStart = r.pos;
      augmentationData = r.bytesView(len, 'FDE augmentation data');
      if (cie.lsdaEncoding !== undefined && cie.lsdaEncoding !== DW_EH_PE_omit) {
        const a = r.sub(dataStart, dataStart + len);
        lsda = readEncodedPointer(a, cie.lsdaEncoding, { ...bases, functionBase: start }, 'LSDA pointer');
      }
    }
    const ctx: CfaDecodeContext = { fdeEncoding: cie.fdeEncoding, bases };
    if (this.options.lazyInstructions) {
      // r is this FDE's own reader: nothing else moves it.
      let instructions: readonly CfaInstruction[] | undefined;
      return {
        kind: 'fde', offset: h.offset, length: h.length, offsetSize: h.offsetSize, ciePointer: h.id, cie, segment,
        pcBegin, start, range, augmentationData, lsda, end: r.end,
        get instructions(): readonly CfaInstruction[] {
          return (instructions ??= decodeCfaInstructions(r, ctx));
        },
      };
    }
    const instructions = decodeCfaInstructions(r, ctx);
    return {
      kind: 'fde', offset: h.offset, length: h.length, offsetSize: h.offsetSize, ciePointer: h.id, cie, segment,
      pcBegin, start, range, augmentationData, lsda, instructions, end: r.end,
    };
  }
}

// Test support for test/isa: runs `objdump -d` and iced-x86 over code and compares our decoder
// and AT&T formatter with both, instruction by instruction. Not a test file itself.
import { Decoder, DecoderOptions, Formatter, FormatterSyntax } from 'iced-x86';
import { decode } from '../../toolchain/isa/decoder';
import { formatAtt } from '../../toolchain/isa/att-formatter';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import { run } from '../support/oracles';

export interface ObjdumpLine {
  readonly address: number;
  readonly length: number;
  readonly text: string;
}

export interface ObjdumpListing {
  readonly lines: Map<number, ObjdumpLine>;
  /** Symbol labels (`08049000 <main>:`) by address. */
  readonly labels: Map<number, string>;
}

/** Collapses objdump's padding so texts compare "whitespace aside". */
export function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Runs `objdump -d -M att --insn-width=16` (all bytes on one line) and parses it. */
export function objdump(path: string, extra: readonly string[] = []): ObjdumpListing {
  const out = run('objdump', ['-d', '-M', 'att', '--insn-width=16', ...extra, path]);
  const lines = new Map<number, ObjdumpLine>();
  const labels = new Map<number, string>();
  for (const l of out.split('\n')) {
    const label = /^([0-9a-f]+) <(.+)>:$/.exec(l);
    if (label) { labels.set(parseInt(label[1]!, 16), label[2]!); continue; }
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*(?:\t(.*))?$/.exec(l);
    if (!m) continue;
    const address = parseInt(m[1]!, 16);
    lines.set(address, { address, length: m[2]!.trim().split(/\s+/).length, text: normalize(m[3] ?? '') });
  }
  return { lines, labels };
}

/** objdump's `<sym+0x..>` from the labels it printed (nearest label at or below). */
export function labelSymbolizer(labels: Map<number, string>): (a: number) => string | undefined {
  const sorted = [...labels.keys()].sort((a, b) => a - b);
  return (a) => {
    let lo = 0, hi = sorted.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= a) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    const base = sorted[best]!;
    const name = labels.get(base)!;
    return a === base ? name : `${name}+0x${(a - base).toString(16)}`;
  };
}

export interface Comparison {
  instructions: number;
  covered: number;
  /** Instructions outside the table, with objdump's text: "0x8049000 fld1". */
  notCovered: string[];
  /** Disagreements with objdump (length or text), at most 50. */
  mismatches: string[];
  /** Length disagreements with iced-x86 on covered instructions, at most 50. */
  icedLengthMismatches: string[];
  /** Covered instructions whose iced GAS text equals objdump's (and ours). */
  icedTextAgreements: number;
}

function icedFormatter(): Formatter {
  const f = new Formatter(FormatterSyntax.Gas);
  f.hexPrefix = '0x';
  f.hexSuffix = '';
  f.uppercaseHex = false;
  f.smallHexNumbersInDecimal = false;
  f.leadingZeros = false;
  f.branchLeadingZeros = false;
  f.displacementLeadingZeros = false;
  f.showZeroDisplacements = true;
  return f;
}

/** Decodes `code` (at `address`) linearly and compares each instruction with objdump and iced. */
export function compareCode(
  code: Uint8Array, address: number, listing: ObjdumpListing, where: string,
  symbolize: (a: number) => string | undefined = labelSymbolizer(listing.labels),
): Comparison {
  const result: Comparison = { instructions: 0, covered: 0, notCovered: [], mismatches: [], icedLengthMismatches: [], icedTextAgreements: 0 };
  let iced = new Decoder(32, code, DecoderOptions.None);
  iced.ip = BigInt(address);
  // iced's JS decoder cannot seek: it runs in step with ours and restarts after a disagreement.
  const resync = (offset: number) => {
    iced.free();
    iced = new Decoder(32, code.subarray(offset), DecoderOptions.None);
    iced.ip = BigInt(address + offset);
  };
  const formatter = icedFormatter();
  let offset = 0;
  while (offset < code.length && result.mismatches.length < 50) {
    const at = address + offset;
    const i = decode(code, offset, at);
    const od = listing.lines.get(at);
    result.instructions++;
    const place = `${where} 0x${at.toString(16)}`;
    if (!od) { result.mismatches.push(`${place}: objdump has no instruction here`); break; }
    if (i.status === DecodeStatus.NotCovered) {
      result.notCovered.push(`0x${at.toString(16)} ${od.text}`);
      if (i.length !== od.length) result.mismatches.push(`${place}: not-covered length ${i.length}, objdump ${od.length} (${od.text})`);
      const skipped = iced.decode();
      const inStep = skipped.length === od.length;
      skipped.free();
      offset += od.length;
      if (!inStep) resync(offset);
      continue;
    }
    result.covered++;
    const mine = normalize(formatAtt(i, { symbolize }));
    if (i.length !== od.length || mine !== od.text) {
      result.mismatches.push(`${place}: ours ${i.length} '${mine}', objdump ${od.length} '${od.text}'`);
    }
    const ins = iced.decode();
    const icedLength = ins.length;
    if (icedLength !== i.length) result.icedLengthMismatches.push(`${place}: ours ${i.length}, iced ${icedLength} '${formatter.format(ins)}'`);
    else if (normalize(formatter.format(ins)) === od.text && od.text === mine) result.icedTextAgreements++;
    ins.free();
    offset += od.length;
    if (icedLength !== od.length) resync(offset);
  }
  formatter.free();
  iced.free();
  return result;
}

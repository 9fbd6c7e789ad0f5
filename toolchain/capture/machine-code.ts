// Owns the tiny hand-assembly helper the capture programs are written with: each
// instruction is its bytes plus the AT&T text objdump prints for it (the "comment" the
// tests check against objdump), and short jumps name a label resolved in a second pass.

/** One instruction of a listing, after labels are resolved. */
export interface ListedInstruction {
  readonly offset: number;
  readonly bytes: Uint8Array;
  /** AT&T text as objdump prints it (jump targets as 0x<offset from the code's start>). */
  readonly att: string;
  /** What the instruction is for. */
  readonly why: string;
}

export interface MachineCode {
  readonly code: Uint8Array;
  readonly listing: readonly ListedInstruction[];
  readonly labels: ReadonlyMap<string, number>;
}

type Item =
  | { kind: 'bytes'; bytes: readonly number[]; att: string; why: string }
  | { kind: 'jump8'; opcode: number; target: string; mnemonic: string; why: string }
  | { kind: 'jmp32'; target: string; why: string }
  | { kind: 'label'; name: string };

/** Collects instructions in order; `build()` resolves labels and returns the code. */
export class CodeBuilder {
  private readonly items: Item[] = [];

  /** An instruction with fixed bytes. */
  op(bytes: readonly number[], att: string, why: string): this {
    this.items.push({ kind: 'bytes', bytes, att, why });
    return this;
  }

  /** A two-byte jump (Jcc rel8, JMP rel8, JECXZ, LOOP) to a label. */
  jump(opcode: number, mnemonic: string, target: string, why: string): this {
    this.items.push({ kind: 'jump8', opcode, target, mnemonic, why });
    return this;
  }

  /** A five-byte JMP rel32 to a label. */
  jmpNear(target: string, why: string): this {
    this.items.push({ kind: 'jmp32', target, why });
    return this;
  }

  label(name: string): this {
    this.items.push({ kind: 'label', name });
    return this;
  }

  build(): MachineCode {
    const labels = new Map<string, number>();
    let at = 0;
    for (const item of this.items) {
      if (item.kind === 'label') {
        if (labels.has(item.name)) throw new Error(`label ${item.name} defined twice`);
        labels.set(item.name, at);
      } else {
        at += item.kind === 'bytes' ? item.bytes.length : item.kind === 'jmp32' ? 5 : 2;
      }
    }
    const listing: ListedInstruction[] = [];
    at = 0;
    for (const item of this.items) {
      if (item.kind === 'label') continue;
      if (item.kind === 'bytes') {
        listing.push({ offset: at, bytes: Uint8Array.from(item.bytes), att: item.att, why: item.why });
        at += item.bytes.length;
        continue;
      }
      const target = labels.get(item.target);
      if (target === undefined) throw new Error(`jump to undefined label ${item.target}`);
      const size = item.kind === 'jmp32' ? 5 : 2;
      const rel = target - (at + size);
      let bytes: Uint8Array;
      if (item.kind === 'jmp32') {
        bytes = Uint8Array.of(0xe9, rel & 0xff, (rel >> 8) & 0xff, (rel >> 16) & 0xff, (rel >>> 24) & 0xff);
      } else {
        if (rel < -128 || rel > 127) throw new Error(`jump to ${item.target} is out of rel8 range (${rel})`);
        bytes = Uint8Array.of(item.opcode, rel & 0xff);
      }
      listing.push({ offset: at, bytes, att: `${item.kind === 'jmp32' ? 'jmp' : item.mnemonic} 0x${target.toString(16)}`, why: item.why });
      at += size;
    }
    const code = new Uint8Array(at);
    for (const i of listing) code.set(i.bytes, i.offset);
    return { code, listing, labels };
  }
}

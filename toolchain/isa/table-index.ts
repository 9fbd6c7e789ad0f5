// Owns the in-memory forms of the opcode table: TABLE (every row of table.ts and
// table-uncovered.ts parsed into an OpcodeEntry, once, when the module loads) and the lookups
// derived from it: the decoder's slots indexed by map*256+opcode, one set per mandatory prefix
// (with /digit and mod sub-tables), the prefix style of each opcode and modrm byte, and the
// encoder's index from AT&T mnemonic to the entries that spell it. Every process of vdso-lab
// (CLI, debug adapter, language server) loads this module as it starts, so the parse is kept
// cheap (see parseRows) and the lookups are built on first use: the slots on the first decode,
// each opcode's prefix styles when the decoder first meets it, the mnemonic index on the first
// instruction assembled (docs/speed-and-exactness.md, "Start-up of the processes").
import {
  GATE_CMOV, GATE_CPL0, GATE_I486, GATE_IOPL, GATE_PENTIUM, GATE_SEP, GATE_SSE, GATE_SSE2, GATE_SYSCALL,
  MODRM_NONE, MODRM_REG, ModKind, OperandKind, PrefixStyle, RepKind, Suffix, type MnemonicAlias, type OpcodeEntry,
} from './entry';
import { AF, CF, Cond, DF, IF, OF, Op, PF, SF, TF, ZF } from './ops';
import { TABLE_ROWS } from './table';
import { UNCOVERED_ROWS } from './table-uncovered';

/** Condition names as AT&T/objdump spell them, indexed by Cond. */
export const COND_NAMES: readonly string[] = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

/** Other spellings GNU as accepts for each condition (jz for je, jnae/jc for jb...), indexed by Cond. */
export const COND_ALIASES: readonly (readonly string[])[] = [
  [], [], ['c', 'nae'], ['nb', 'nc'], ['z'], ['nz'], ['na'], ['nbe'], [], [], ['pe'], ['po'], ['nge'], ['nl'], ['ng'], ['nle'],
];

function parseAliases(text: string, row: string): MnemonicAlias[] {
  const out: MnemonicAlias[] = [];
  for (const a of text.split(',')) {
    if (a === '') continue;
    const [name = '', size] = a.split(':');
    if (!name || (size !== undefined && size !== '16' && size !== '32')) throw new Error(`opcode table: bad alias '${a}' in row: ${row}`);
    out.push({ name, opSize: size === '16' ? 2 : size === '32' ? 4 : 0 });
  }
  return out;
}

const FLAG_LETTERS: Readonly<Record<string, number>> = { o: OF, s: SF, z: ZF, a: AF, p: PF, c: CF, d: DF, i: IF, t: TF };
const GATES: Readonly<Record<string, number>> = {
  i486: GATE_I486, pentium: GATE_PENTIUM, cmov: GATE_CMOV, sep: GATE_SEP, syscall: GATE_SYSCALL,
  sse: GATE_SSE, sse2: GATE_SSE2, cpl0: GATE_CPL0, iopl: GATE_IOPL,
};
const PREFIX_STYLES: Readonly<Record<string, PrefixStyle>> = {
  table: PrefixStyle.Table, opcode: PrefixStyle.Opcode, modfirst: PrefixStyle.ModFirst,
};
const MANDATORY_PREFIXES: Readonly<Record<string, OpcodeEntry['mandatoryPrefix']>> = { '66': 0x66, f2: 0xf2, f3: 0xf3, '9b': 0x9b };
const SUFFIXES: Readonly<Record<string, Suffix>> = {
  none: Suffix.None, mem: Suffix.IfMem, always: Suffix.Always, w16: Suffix.If16, w16mem: Suffix.If16Mem, movx: Suffix.Movx,
};

const E_KINDS = new Set([OperandKind.Eb, OperandKind.Ew, OperandKind.Ed, OperandKind.Ev, OperandKind.Esw]);
const REGISTER_KINDS = new Set([
  OperandKind.Gb, OperandKind.Gw, OperandKind.Gd, OperandKind.Gv, OperandKind.Sw, OperandKind.Zb, OperandKind.Zv,
  OperandKind.Zd, OperandKind.AL, OperandKind.eAX, OperandKind.ES, OperandKind.CS, OperandKind.SS, OperandKind.DS,
  OperandKind.FS, OperandKind.GS,
]);

const IMMEDIATE_KINDS = new Set([
  OperandKind.Ib, OperandKind.Ibs, OperandKind.Iw, OperandKind.Iz, OperandKind.Jb, OperandKind.Jz, OperandKind.Ap,
]);

/** x87 kinds whose size is no b/w/l width (registers, the 80-bit and state areas). */
const X87_SIZELESS = new Set([OperandKind.ST, OperandKind.STi, OperandKind.AX, OperandKind.Mt, OperandKind.Me, OperandKind.Ms, OperandKind.Mx]);
/** Memory-only operand kinds (a register form of the row is invalid). */
const MEMORY_KINDS = new Set([
  OperandKind.M, OperandKind.Mp, OperandKind.Ma, OperandKind.Mq, OperandKind.Mw, OperandKind.Md, OperandKind.Mt, OperandKind.Me,
  OperandKind.Ms, OperandKind.Mx,
]);

function flagBits(letters: string, row: string): number {
  let bits = 0;
  for (const ch of letters) {
    const b = FLAG_LETTERS[ch];
    if (b === undefined) throw new Error(`opcode table: unknown flag '${ch}' in row: ${row}`);
    bits |= b;
  }
  return bits;
}

/** Width in bytes implied by an operand kind's size letter, 0 for "operand size", -1 for none. */
function kindWidth(k: OperandKind): number {
  const name = OperandKind[k];
  if (k === OperandKind.AL || k === OperandKind.CL) return 1;
  if (k === OperandKind.Esw) return 0;
  if (k === OperandKind.Mq) return 8;
  if (X87_SIZELESS.has(k)) return -1;
  if (IMMEDIATE_KINDS.has(k)) return -1;
  if (name.length !== 2) return -1;
  const s = name[1];
  return s === 'b' ? 1 : s === 'w' ? 2 : s === 'd' ? 4 : s === 'v' || s === 'z' ? 0 : -1;
}

function parseOnlyOn(text: string | undefined, row: string): OpcodeEntry['onlyOn'] {
  if (text === undefined) return '';
  if (text === '8087' || text === '287') return text;
  throw new Error(`opcode table: unknown only='${text}' in row: ${row}`);
}

function parseOperand(text: string, row: string): OperandKind {
  if (text === '1') return OperandKind.One;
  const k = (OperandKind as unknown as Record<string, number>)[text];
  if (k === undefined) throw new Error(`opcode table: unknown operand kind '${text}' in row: ${row}`);
  return k as OperandKind;
}

/** The words of `s`, separated by one space or more. */
function words(s: string): string[] {
  const w = s.trim().split(' ');
  return s.includes('  ') ? w.filter((x) => x !== '') : w;
}

/**
 * Reads the rows into entries. It runs at every start of the CLI, the debug adapter and the
 * language server, before V8 has optimised anything, so it does little per row: words are
 * split at spaces by a plain string, not a regular expression, and read by index, not by
 * destructuring (an iterator in the interpreter); the keys go to named locals;
 * and every entry is made by `entryOf`, one object literal, so that all entries share one
 * hidden class (object spread gave each entry its own, which made every read of an entry's
 * field in the decoder, formatter and encoder megamorphic).
 */
function parseRows(text: string): OpcodeEntry[] {
  const out: OpcodeEntry[] = [];
  // A regular expression over the whole text cost more than all the rest of the parse.
  if (text.includes('\t')) throw new Error('opcode table: a tab in the rows (words are separated by spaces)');
  for (const raw of text.split('\n')) {
    const row = raw.trim();
    if (row === '' || row.startsWith('#')) continue;
    const parts = row.split('|');
    const opPart = parts[0] ?? '', formPart = parts[1] ?? '', keyPart = parts[2] ?? '';
    let att: string | undefined, att16: string | undefined, opKey: string | undefined, sfx: string | undefined;
    let prefixKey: string | undefined, modKey: string | undefined, modrmKey: string | undefined, widthKey: string | undefined;
    let os: string | undefined, only: string | undefined, gateKey = '', aliasKey = '', sfxok: string | undefined;
    let read = '', written = '', undefinedFlags = '';
    let nc = false, undef = false, noasm = false, undoc = false, a16 = false, noReverse = false, lock = false, rep = false, repcc = false;
    for (const kv of words(keyPart)) {
      if (kv === '') continue;
      const eq = kv.indexOf('=');
      const value = eq < 0 ? '' : kv.slice(eq + 1);
      // A key given twice keeps its last value, as a Map would; a key no case names is ignored.
      switch (eq < 0 ? kv : kv.slice(0, eq)) {
        case 'att': att = value; break;
        case 'att16': att16 = value; break;
        case 'op': opKey = value; break;
        case 'sfx': sfx = value; break;
        case 'prefix': prefixKey = value; break;
        case 'mod': modKey = value; break;
        case 'modrm': modrmKey = value; break;
        case 'width': widthKey = value; break;
        case 'os': os = value; break;
        case 'only': only = value; break;
        case 'gate': gateKey = value; break;
        case 'alias': aliasKey = value; break;
        case 'sfxok': sfxok = value; break;
        case 'r': read = value; break;
        case 'w': written = value; break;
        case 'u': undefinedFlags = value; break;
        case 'nc': nc = true; break;
        case 'undef': undef = true; break;
        case 'noasm': noasm = true; break;
        case 'undoc': undoc = true; break;
        case 'a16': a16 = true; break;
        case 'noreverse': noReverse = true; break;
        case 'lock': lock = true; break;
        case 'rep': rep = true; break;
        case 'repcc': repcc = true; break;
      }
    }
    const tokens = words(opPart);
    let mandatoryPrefix: OpcodeEntry['mandatoryPrefix'] = 0;
    if (tokens.length > 1 && MANDATORY_PREFIXES[tokens[0]!]) mandatoryPrefix = MANDATORY_PREFIXES[tokens.shift()!]!;
    let map: OpcodeEntry['map'] = 0;
    if (tokens[0] === '0f') {
      map = 1;
      tokens.shift();
      const escape: string | undefined = tokens.length > 1 ? tokens[0] : undefined;
      if (escape === '38' || escape === '3a') { map = escape === '38' ? 2 : 3; tokens.shift(); }
    }
    const prefixStyle = prefixKey === undefined ? PrefixStyle.None : PREFIX_STYLES[prefixKey];
    if (prefixStyle === undefined) throw new Error(`opcode table: unknown prefix='${prefixKey}' in row: ${row}`);
    const opcode = parseInt(tokens.shift() ?? '', 16);
    let modrm = MODRM_NONE;
    let regInOpcode = false;
    let ccForm = false;
    for (const t of tokens) {
      if (t === '/r') modrm = MODRM_REG;
      else if (t.length === 2 && t[0] === '/' && t[1]! >= '0' && t[1]! <= '7') modrm = Number(t[1]);
      else if (t === '+r') regInOpcode = true;
      else if (t === '+cc') ccForm = true;
      else throw new Error(`opcode table: bad opcode token '${t}' in row: ${row}`);
    }
    const form = words(formPart);
    const intelMnemonic = form[0] ?? '', operandText = form[1] ?? '';
    const operands = operandText ? operandText.split(',').map((o) => parseOperand(o, row)) : [];
    const baseAtt = att ?? intelMnemonic.toLowerCase();
    // nc: a form the architecture defines that the emulator does not execute (#UD, `(not covered: ...)`).
    // undef: an encoding no form fits (Invalid), listed only to say how objdump reads the prefixes in front of it.
    const opName = nc ? 'NotCovered' : undef ? 'Invalid' : opKey ?? intelMnemonic[0]! + intelMnemonic.slice(1).toLowerCase();
    const op = (Op as unknown as Record<string, number>)[opName];
    if (op === undefined) throw new Error(`opcode table: unknown op '${opName}' in row: ${row}`);
    let suffix: Suffix;
    if (sfx !== undefined) {
      const s = SUFFIXES[sfx];
      if (s === undefined) throw new Error(`opcode table: unknown sfx '${sfx}' in row: ${row}`);
      suffix = s;
    } else {
      suffix = operands.some((k) => E_KINDS.has(k)) && !operands.some((k) => REGISTER_KINDS.has(k)) ? Suffix.IfMem : Suffix.None;
    }
    let gate = 0;
    for (const g of gateKey.split(',')) {
      if (g === '') continue;
      const b = GATES[g];
      if (b === undefined) throw new Error(`opcode table: unknown gate '${g}' in row: ${row}`);
      gate |= b;
    }
    let fixedWidth = 0;
    if (widthKey !== undefined) fixedWidth = Number(widthKey);
    else for (const k of operands) {
      const w = kindWidth(k);
      if (w >= 0) { fixedWidth = w; break; }
    }
    const memOnly = operands.some((k) => MEMORY_KINDS.has(k));
    const mnemonic16 = att16 ?? baseAtt;
    const row0: RowFields = {
      op: op as Op,
      map,
      regInOpcode,
      modrm,
      mod: modKey === 'mem' || memOnly ? ModKind.Mem : modKey === 'reg' ? ModKind.Reg : ModKind.Any,
      modrmByte: modrmKey !== undefined ? parseInt(modrmKey, 16) : -1,
      mandatoryPrefix,
      prefixStyle,
      operands,
      suffix,
      addrSizeMnemonic: a16,
      noReverse,
      opSizeOnly: (os === '16' ? 2 : os === '32' ? 4 : 0) as OpcodeEntry['opSizeOnly'],
      fixedWidth: fixedWidth as OpcodeEntry['fixedWidth'],
      flagsWritten: flagBits(written, row),
      flagsUndefined: flagBits(undefinedFlags, row),
      lockable: lock,
      rep: rep ? RepKind.Rep : repcc ? RepKind.RepCond : RepKind.None,
      gate,
      assemblable: !noasm && !undoc && !nc && !undef,
      onlyOn: parseOnlyOn(only, row),
      undocumented: undoc,
    };
    const intel = `${intelMnemonic} ${operandText}`.trim();
    const flagsRead = flagBits(read, row);
    const aliases = parseAliases(aliasKey, row);
    const asmSuffixes = sfxok ?? defaultSuffixes(operands, suffix, fixedWidth, mnemonic16 !== baseAtt && !a16);
    if (ccForm) {
      for (let cc = 0; cc < 16; cc++) {
        const name = COND_NAMES[cc]!;
        const cond = cc as Cond;
        out.push(entryOf(row0, out.length, cond, opcode + cc, baseAtt.replace('cc', name), mnemonic16.replace('cc', name),
          intel.replace('cc', name.toUpperCase()), flagsRead | condFlags(cond), [
            ...aliases.map((a) => ({ name: a.name.replace('cc', name), opSize: a.opSize })),
            ...COND_ALIASES[cc]!.map((c) => ({ name: baseAtt.replace('cc', c), opSize: 0 as const })),
          ], asmSuffixes));
      }
    } else {
      out.push(entryOf(row0, out.length, -1, opcode, baseAtt, mnemonic16, intel, flagsRead, aliases, asmSuffixes));
    }
  }
  return out;
}

/** What one row says of all the entries it expands to (a `+cc` row's 16 differ in the rest). */
type RowFields = Omit<OpcodeEntry, 'id' | 'cond' | 'opcode' | 'mnemonic' | 'mnemonic16' | 'intel' | 'flagsRead' | 'aliases' | 'asmSuffixes'>;

/** One entry; every entry is made here, so that all have the same hidden class (see parseRows). */
function entryOf(
  r: RowFields, id: number, cond: Cond | -1, opcode: number, mnemonic: string, mnemonic16: string, intel: string,
  flagsRead: number, aliases: readonly MnemonicAlias[], asmSuffixes: string,
): OpcodeEntry {
  return {
    id, op: r.op, cond, map: r.map, opcode, regInOpcode: r.regInOpcode, modrm: r.modrm, mod: r.mod, modrmByte: r.modrmByte,
    mandatoryPrefix: r.mandatoryPrefix, prefixStyle: r.prefixStyle, operands: r.operands, intel, mnemonic, mnemonic16,
    suffix: r.suffix, addrSizeMnemonic: r.addrSizeMnemonic, noReverse: r.noReverse, opSizeOnly: r.opSizeOnly,
    fixedWidth: r.fixedWidth, flagsRead, flagsWritten: r.flagsWritten, flagsUndefined: r.flagsUndefined, lockable: r.lockable,
    rep: r.rep, gate: r.gate, aliases, asmSuffixes, assemblable: r.assemblable, onlyOn: r.onlyOn, undocumented: r.undocumented,
  };
}

const V_SIZED = new Set([
  OperandKind.Ev, OperandKind.Gv, OperandKind.Zv, OperandKind.eAX, OperandKind.Xv, OperandKind.Yv, OperandKind.Ov, OperandKind.Esw, OperandKind.Mp,
]);
const UNSIZED = new Set([...IMMEDIATE_KINDS, OperandKind.One, OperandKind.Mq, OperandKind.Bb]);

/** The b/w/l suffixes GNU as accepts on a row, when the table does not say (`sfxok=`). */
function defaultSuffixes(operands: readonly OperandKind[], suffix: Suffix, fixedWidth: number, sizedSpelling: boolean): string {
  if (sizedSpelling) return '';
  if (suffix === Suffix.If16 || suffix === Suffix.If16Mem) return 'wl';
  if (operands.every((k) => UNSIZED.has(k))) return '';
  if (operands.some((k) => V_SIZED.has(k))) return 'wl';
  return fixedWidth === 1 ? 'b' : fixedWidth === 2 ? 'w' : fixedWidth === 4 ? 'l' : '';
}

function condFlags(c: Cond): number {
  switch (c >> 1) {
    case 0: return OF;
    case 1: return CF;
    case 2: return ZF;
    case 3: return CF | ZF;
    case 4: return SF;
    case 5: return PF;
    case 6: return SF | OF;
    default: return SF | OF | ZF;
  }
}

/** Every row of the table, `TABLE[e.id] === e`. */
export const TABLE: readonly OpcodeEntry[] = parseRows(`${TABLE_ROWS}\n${UNCOVERED_ROWS}`);

/** The decoder's view of one opcode byte in one map. */
export interface Slot {
  /** True when the opcode takes a modrm byte. */
  readonly modrm: boolean;
  /** No-modrm entry (operand size 32, or any). */
  plain: OpcodeEntry | null;
  /** No-modrm entry under operand size 16 when it differs (90: xchg %ax,%ax). */
  plain16: OpcodeEntry | null;
  /** Modrm entries by reg field for mod != 3 and mod == 3. */
  readonly mem: (OpcodeEntry | null)[];
  readonly reg: (OpcodeEntry | null)[];
  /** An entry that needs one exact modrm byte (endbr32), checked first. */
  exact: { readonly modrm: number; readonly entry: OpcodeEntry }[];
}

function newSlot(modrm: boolean): Slot {
  return { modrm, plain: null, plain16: null, mem: new Array(8).fill(null), reg: new Array(8).fill(null), exact: [] };
}

/** Which of the slot sets a row's mandatory prefix puts it in. */
export const enum SlotSet { None, Rep, Wait, OpSize, Repne }
const SET_OF_PREFIX: Readonly<Record<number, SlotSet>> = { 0: SlotSet.None, 0xf3: SlotSet.Rep, 0x9b: SlotSet.Wait, 0x66: SlotSet.OpSize, 0xf2: SlotSet.Repne };

let slots: readonly (readonly (Slot | undefined)[])[] | undefined;
/** Slots indexed by map*256 + opcode, one array per SlotSet (the row's mandatory prefix); built on the first decode. */
export function slotSets(): readonly (readonly (Slot | undefined)[])[] {
  return (slots ??= buildSlots());
}

function buildSlots(): (Slot | undefined)[][] {
  const sets: (Slot | undefined)[][] = [0, 1, 2, 3, 4].map(() => new Array(1024).fill(undefined));
  for (const e of TABLE) {
    const slots = sets[SET_OF_PREFIX[e.mandatoryPrefix]!]!;
    const count = e.regInOpcode ? 8 : 1;
    for (let i = 0; i < count; i++) {
      const index = e.map * 256 + e.opcode + i;
      const hasModrm = e.modrm !== MODRM_NONE;
      const slot = slots[index] ?? (slots[index] = newSlot(hasModrm));
      if (slot.modrm !== hasModrm) throw new Error(`opcode table: ${e.intel} mixes modrm and no-modrm forms`);
      if (!hasModrm) {
        if (e.opSizeOnly === 2) slot.plain16 = e;
        else if (e.opSizeOnly === 4) {
          slot.plain16 ??= slot.plain;
          slot.plain = e;
        } else if (!slot.plain) slot.plain = e;
        else slot.plain16 ??= e;
        continue;
      }
      if (e.modrmByte >= 0) { slot.exact.push({ modrm: e.modrmByte, entry: e }); continue; }
      for (let r = 0; r < 8; r++) {
        if (e.modrm !== MODRM_REG && e.modrm !== r) continue;
        if (e.mod !== ModKind.Reg) slot.mem[r] ??= e;
        if (e.mod !== ModKind.Mem) slot.reg[r] ??= e;
      }
    }
  }
  return sets;
}

/** The PrefixStyle of each modrm byte (or of the opcode, without modrm) for an opcode whose rows give one. */
export interface StyleSlot {
  /** By modrm byte; for an opcode without modrm, index 0. */
  readonly byModrm: Uint8Array;
}

/** The rows of each opcode that has a row naming a style, by map*256 + opcode; found on the first decode. */
let styledRows: ReadonlyMap<number, readonly OpcodeEntry[]> | undefined;
/** Each opcode's styles once worked out; null: PrefixStyle.None throughout. */
const styleSlots: (StyleSlot | null | undefined)[] = new Array(1024).fill(undefined);

/**
 * The prefix styles of opcode map*256 + opcode (undefined: PrefixStyle.None throughout), worked out
 * when the decoder first meets the opcode. A row's style covers the modrm bytes it matches; a modrm
 * no row matches takes the style of the rows of its modrm.reg (the other mod kind first, then its
 * exact forms), else the opcode's: objdump reads prefixes there the same way.
 */
export function prefixStyleAt(index: number): StyleSlot | undefined {
  let slot = styleSlots[index];
  if (slot === undefined) slot = styleSlots[index] = buildStyle(index);
  return slot ?? undefined;
}

/** Only an opcode with a row that names a style can have a byte whose style is not None. */
function buildStyle(index: number): StyleSlot | null {
  if (!styledRows) {
    const rowsAt = new Map<number, OpcodeEntry[]>();
    for (const e of TABLE) if (!e.regInOpcode && e.prefixStyle !== PrefixStyle.None) rowsAt.set(e.map * 256 + e.opcode, []);
    for (const e of TABLE) rowsAt.get(e.map * 256 + e.opcode)?.push(e);
    styledRows = rowsAt;
  }
  const rows = styledRows.get(index);
  if (!rows) return null;
  const rank = (e: OpcodeEntry) => (e.modrmByte >= 0 ? 0 : e.mod !== ModKind.Any ? 1 : 2);
  const cells = new Int8Array(256).fill(-1);
  // Exact rows first, then one-mod rows, then any-mod rows: the most specific row names a byte's style.
  for (const pass of [0, 1, 2, 3]) {
    for (const e of rows) {
      if (e.regInOpcode || (pass < 3 && rank(e) !== pass)) continue;
      if (e.modrm === MODRM_NONE) { if (cells[0]! < 0) cells[0] = e.prefixStyle; continue; }
      // A row visits the modrm bytes of its modrm.reg only.
      const low = e.modrm === MODRM_REG ? 0 : e.modrm, high = e.modrm === MODRM_REG ? 7 : e.modrm;
      for (let reg = low; reg <= high; reg++) {
        for (let mod = 0; mod < 4; mod++) {
          // Pass 3 spreads each row's style over the rest of its modrm.reg.
          if (pass < 3 && ((e.mod === ModKind.Mem && mod === 3) || (e.mod === ModKind.Reg && mod !== 3))) continue;
          for (let rm = 0; rm < 8; rm++) {
            const m = (mod << 6) | (reg << 3) | rm;
            if (cells[m]! >= 0 || (pass < 3 && e.modrmByte >= 0 && m !== e.modrmByte)) continue;
            cells[m] = e.prefixStyle;
          }
        }
      }
    }
  }
  // A modrm.reg no row names takes the style of the opcode's first row.
  const first = rows[0]!.prefixStyle;
  for (let m = 0; m < 256; m++) if (cells[m]! < 0) cells[m] = first;
  return cells.some((c) => c > 0) ? { byModrm: Uint8Array.from(cells) } : null;
}

let byMnemonic: ReadonlyMap<string, readonly OpcodeEntry[]> | undefined;
/** Entries by AT&T mnemonic as written without a size suffix (the 32- and 16-bit spellings and the aliases); built on first use. */
export function entriesByMnemonic(): ReadonlyMap<string, readonly OpcodeEntry[]> {
  if (byMnemonic) return byMnemonic;
  const m = new Map<string, OpcodeEntry[]>();
  for (const e of TABLE) {
    if (!e.assemblable) continue;
    for (const name of new Set([e.mnemonic, e.mnemonic16, ...e.aliases.map((a) => a.name)])) {
      const list = m.get(name) ?? [];
      list.push(e);
      m.set(name, list);
    }
  }
  return (byMnemonic = m);
}

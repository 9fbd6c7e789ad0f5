// Owns the directives about sections and symbols: .text/.data/.bss with subsections,
// .section with flags, type, entsize and group, .pushsection/.popsection/.previous;
// .globl .local .weak .hidden .protected .internal .type .size .set/.equ/= .equiv .comm
// .lcomm; and the accepted bookkeeping ones (.file .ident .code32 .arch .loc ...).
import { type Handler } from './data-directives';
import {
  SHF_ALLOC, SHF_EXCLUDE, SHF_EXECINSTR, SHF_GNU_RETAIN, SHF_GROUP, SHF_LINK_ORDER, SHF_MERGE, SHF_STRINGS, SHF_TLS, SHF_WRITE,
  SHT_NOBITS, SHT_NULL,
} from '../elf/sections';
import { STT_COMMON, STT_FUNC, STT_GNU_IFUNC, STT_NOTYPE, STT_OBJECT, STT_TLS } from '../elf/symbols';
import { AsmError, defaultEntsize, defaultSectionAttributes, type AsmState } from './state';
import type { SectionState } from './layout';
import { readString, operandTexts } from './strings';
import { attrsOf, isFixed, setFixed, type SymbolState } from './symbol-table';
import { isNameChar, isNameStart, isSpace } from './chars';
import { specialSectionType } from './special-sections';
import { isSectionTypeOperand, sectionType } from './section-type';
import { createdSectionAttributes } from './created-section';

const FLAG_LETTERS: Readonly<Record<string, number>> = {
  a: SHF_ALLOC, w: SHF_WRITE, x: SHF_EXECINSTR, M: SHF_MERGE, S: SHF_STRINGS, G: SHF_GROUP,
  T: SHF_TLS, o: SHF_LINK_ORDER, e: SHF_EXCLUDE, R: SHF_GNU_RETAIN, '?': 0, d: 0,
};

/** A section or symbol name operand: plain, or quoted. */
function nameOf(text: string): string {
  const t = text.trim();
  if (t.startsWith('"')) {
    return String.fromCharCode(...readString(t, 0).bytes);
  }
  if (!isSymbolName(t)) throw new AsmError(t === '' ? 'expected symbol name' : `bad name '${t}'`);
  return t;
}

/** `/^[A-Za-z_.$][\w.$\-]*$/` by character codes (run for every name a directive gives). */
function isSymbolName(t: string): boolean {
  if (t.length === 0 || !isNameStart(t.charCodeAt(0))) return false;
  for (let i = 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (!isNameChar(c) && c !== 0x2d) return false;
  }
  return true;
}

function subsectionNumber(st: AsmState, text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 0;
  return Number(st.absolute(text));
}

function simpleSection(name: string): Handler {
  return (st, operands) => {
    st.section(name, subsectionNumber(st, operands));
  };
}

/** Applies `.section NAME, "flags", @type, extra...` and switches to it. */
function sectionDirective(st: AsmState, operands: string): void {
  const plain = nameAndFlags(operands);
  if (plain !== null) {
    const { section, created } = st.sectionNamed(plain.name);
    const type = created ? defaultSectionAttributes(plain.name).type : section.type;
    const flags = created ? createdSectionAttributes(plain.name, SHT_NULL, plain.flags, false, (m) => st.warning(m)).flags : plain.flags;
    setAttributes(st, section, created, type, false, flags, defaultEntsize(type), undefined, undefined);
    st.section(plain.name, 0);
    return;
  }
  const parts = operandTexts(operands);
  if (parts.length === 0 || parts[0]! === '') throw new AsmError('missing name');
  let name = parts[0]!;
  let subsection = 0;
  const sp = /^(\S+)\s+(\S+)$/.exec(name);
  if (sp && parts.length === 1 && !name.startsWith('"')) {
    name = sp[1]!;
    subsection = Number(st.absolute(sp[2]!));
  }
  name = nameOf(name);
  const { section, created } = st.sectionNamed(name);
  if (parts.length > 1) {
    let flags = flagsOf(parts[1]!);
    let type = created ? defaultSectionAttributes(name).type : section.type;
    let k = 2;
    const typeText = parts[k];
    let typeGiven = false;
    if (isSectionTypeOperand(typeText)) {
      const named = sectionType(typeText, (message) => st.warning(message));
      typeGiven = named !== SHT_NULL;
      if (typeGiven) type = named;
      k++;
    }
    if (created) {
      const made = createdSectionAttributes(name, typeGiven ? type : SHT_NULL, flags, (flags & SHF_GROUP) !== 0, (m) => st.warning(m));
      if (typeGiven) type = made.type;
      flags = made.flags;
    }
    let entsize = defaultEntsize(type);
    if (flags & SHF_MERGE) {
      const e = parts[k];
      if (e === undefined) throw new AsmError('entity size for SHF_MERGE not specified');
      entsize = Number(st.absolute(e));
      k++;
    }
    let group: { signature: string; comdat: boolean } | undefined;
    if (flags & SHF_GROUP) {
      const g = parts[k];
      if (g === undefined) throw new AsmError('group name for SHF_GROUP not specified');
      k++;
      const comdat = parts[k] === 'comdat';
      if (comdat) k++;
      group = { signature: nameOf(g), comdat };
    }
    let linkTo: string | undefined;
    if (flags & SHF_LINK_ORDER) {
      const l = parts[k];
      if (l === undefined) throw new AsmError('missing name');
      linkTo = nameOf(l);
      k++;
    }
    setAttributes(st, section, created, type, typeGiven, flags, entsize, group, linkTo);
  }
  st.section(name, subsection);
}

/** The flags of a `.section` flags operand (`"awx"`). */
function flagsOf(flagText: string): number {
  if (!flagText.startsWith('"')) throw new AsmError('junk at end of line');
  const letters = String.fromCharCode(...readString(flagText, 0).bytes);
  let flags = 0;
  for (const c of letters) {
    const f = FLAG_LETTERS[c];
    if (f === undefined) throw new AsmError('bad .section directive: want a,w,x,M,S,G,T in string');
    flags |= f;
  }
  return flags;
}

/**
 * Gives a section just made the attributes a `.section` with flags names. For a section met
 * before, GNU as's messages where the type named or the flags differ from its own: a warning
 * for a section it knows by name (special-sections.ts), an error for any other.
 */
function setAttributes(
  st: AsmState, section: SectionState, created: boolean, type: number, typeGiven: boolean, flags: number, entsize: number,
  group: { signature: string; comdat: boolean } | undefined, linkTo: string | undefined,
): void {
  if (created) {
    section.type = type;
    section.flags = flags;
    section.entsize = entsize;
    section.group = group;
    section.linkTo = linkTo;
    return;
  }
  const special = specialSectionType(section.name);
  // No type named: a special section's table type, else none (GAS's SHT_NULL, which counts as loaded).
  const named = typeGiven ? type : special ?? SHT_NULL;
  const report = (message: string) => (special !== undefined ? st.warning(`ignoring ${message}`) : st.error(message));
  if (named !== SHT_NULL && named !== section.type) report(`changed section type for ${section.name}`);
  if (flags !== 0 && comparedFlags(flags, named) !== comparedFlags(section.flags, section.type)) report(`changed section attributes for ${section.name}`);
}

/** Marks for the two BFD flags that are not ELF flags: read-only (no SHF_WRITE) and loaded (allocated and not SHT_NOBITS). */
const READONLY = 0x10000;
const LOADED = 0x20000;

/** What GNU as compares of a section's flags when it is named again (BFD's flags, without those of groups). */
function comparedFlags(flags: number, type: number): number {
  const alloc = (flags & SHF_ALLOC) !== 0;
  return ((flags & (SHF_ALLOC | SHF_EXECINSTR | SHF_MERGE | SHF_STRINGS | SHF_TLS | SHF_EXCLUDE)) | ((flags & SHF_WRITE) === 0 ? READONLY : 0) | (alloc && type !== SHT_NOBITS ? LOADED : 0)) >>> 0;
}

/** `.section` operands of the form `NAME, "FLAGS"` with flags that take no further operand: the name and the flags. */
interface NameAndFlags {
  readonly name: string;
  readonly flags: number;
}

/** Operand texts read by `nameAndFlags`, with what they gave (null: another form, read in full each time). */
const readForms = new Map<string, NameAndFlags | null>();
const MAX_READ_FORMS = 256;

/**
 * What `NAME, "FLAGS"` operands name, read once per text (the kernel's ALTERNATIVE sites switch
 * sections with the same two texts at every site); null for any other form, or one that gives a
 * message, which `sectionDirective` reads in full.
 */
function nameAndFlags(operands: string): NameAndFlags | null {
  let known = readForms.get(operands);
  if (known !== undefined) return known;
  known = null;
  const parts = operandTexts(operands);
  if (parts.length === 2 && parts[0] !== '') {
    try {
      const flags = flagsOf(parts[1]!);
      if ((flags & (SHF_MERGE | SHF_GROUP | SHF_LINK_ORDER)) === 0) known = { name: nameOf(parts[0]!), flags };
    } catch (e) {
      if (!(e instanceof AsmError)) throw e;
    }
  }
  if (readForms.size >= MAX_READ_FORMS) readForms.clear();
  readForms.set(operands, known);
  return known;
}

const section: Handler = (st, operands) => sectionDirective(st, operands);

const pushsection: Handler = (st, operands) => {
  st.pushSection();
  sectionDirective(st, operands);
};

function eachName(st: AsmState, operands: string, apply: (s: SymbolState) => void): void {
  const parts = operandTexts(operands);
  for (let p = 0; p < parts.length; p++) {
    // The words of the part (split at white space, as /\s+/ would, without the arrays).
    const text = parts[p]!;
    for (let i = 0; i < text.length;) {
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      if (i >= text.length) break;
      let j = i + 1;
      while (j < text.length && !isSpace(text.charCodeAt(j))) j++;
      apply(st.symbols.get(nameOf(i === 0 && j === text.length ? text : text.slice(i, j)), st.where));
      i = j;
    }
  }
}

const globl: Handler = (st, operands) =>
  eachName(st, operands, (s) => {
    if (s.attrs.binding !== 'weak') attrsOf(s).binding = 'global';
  });
const local: Handler = (st, operands) =>
  eachName(st, operands, (s) => {
    attrsOf(s).binding = 'local';
  });
const weak: Handler = (st, operands) =>
  eachName(st, operands, (s) => {
    attrsOf(s).binding = 'weak';
  });
function visibility(v: number): Handler {
  return (st, operands) =>
    eachName(st, operands, (s) => {
      attrsOf(s).visibility = v;
    });
}

/** `.type`'s type names as GNU as compares them (case matters): the word, the number, the ELF name. */
const SYMBOL_TYPES: ReadonlyMap<string, number> = new Map(
  ([
    ['function', '2', 'STT_FUNC', STT_FUNC], ['object', '1', 'STT_OBJECT', STT_OBJECT], ['tls_object', '6', 'STT_TLS', STT_TLS],
    ['notype', '0', 'STT_NOTYPE', STT_NOTYPE], ['common', '5', 'STT_COMMON', STT_COMMON], ['gnu_indirect_function', '10', 'STT_GNU_IFUNC', STT_GNU_IFUNC],
  ] as const).flatMap(([word, number, elf, t]) => [[word, t], [number, t], [elf, t]]),
);

/** `.type`'s name and type texts: what TYPE_OPERANDS matches, or undefined where it does not. */
export function typeOperands(text: string): [string, string] | undefined {
  const t = text.trim();
  // The common spelling (`f1, @function`) split by character codes, the same way the regular
  // expression does where the text has no quote to start with and no line break to stop `.`.
  let plain = t.length > 0 && t.charCodeAt(0) !== 0x22;
  for (let i = 0; i < t.length && plain; i++) {
    const c = t.charCodeAt(i);
    plain = c !== 0x0a && c !== 0x0d && c !== 0x2028 && c !== 0x2029;
  }
  if (!plain) {
    const m = TYPE_OPERANDS.exec(t);
    return m ? [m[1]!, m[2]!] : undefined;
  }
  let j = 0;
  while (j < t.length && !isSpace(t.charCodeAt(j)) && t.charCodeAt(j) !== 0x2c) j++;
  if (j === 0) return undefined;
  let k = j;
  while (k < t.length && isSpace(t.charCodeAt(k))) k++;
  if (t.charCodeAt(k) === 0x2c) k++;
  while (k < t.length && isSpace(t.charCodeAt(k))) k++;
  return [t.slice(0, j), t.slice(k)];
}

const TYPE_OPERANDS = /^("[^"]*"|[^\s,]+)\s*,?\s*(.*)$/;

const type: Handler = (st, operands) => {
  const m = typeOperands(operands);
  if (!m) throw new AsmError('Missing symbol name in directive');
  const s = st.symbols.get(nameOf(m[0]), st.where);
  // The type name: one leading @, %, # or " dropped, then up to a quote or the end.
  const c = m[1].charCodeAt(0);
  let name = c === 0x40 || c === 0x25 || c === 0x23 || c === 0x22 ? m[1].slice(1) : m[1];
  if (name.charCodeAt(0) === 0x22) name = name.slice(1);
  const quote = name.indexOf('"');
  if (quote >= 0) name = name.slice(0, quote);
  const unique = name === 'gnu_unique_object';
  const t = unique ? STT_OBJECT : SYMBOL_TYPES.get(name);
  if (t === undefined) {
    // GNU as reads an unknown name as no type: it clears what the symbol had.
    attrsOf(s).type = STT_NOTYPE;
    attrsOf(s).unique = false;
    throw new AsmError(`unrecognized symbol type "${name}"`);
  }
  // GNU as marks the object GNU's once a unique object is named, whatever becomes of the symbol.
  if (unique) st.gnuUnique = true;
  if (t === STT_COMMON) makeCommon(st, s);
  const flags = TYPE_FLAGS.get(t)! | (unique ? F_UNIQUE : 0);
  if (s.state === 'common' && flags !== F_OBJECT) throw new AsmError(`cannot change type of common symbol '${s.name}'`);
  if (flags === 0) {
    attrsOf(s).type = STT_NOTYPE;
    attrsOf(s).unique = false;
    return;
  }
  const before = (TYPE_FLAGS.get(s.attrs.type) ?? 0) | (s.attrs.unique ? F_UNIQUE : 0);
  let mask = F_FUNCTION | F_OBJECT;
  if (flags !== F_FUNCTION) mask |= F_INDIRECT;
  if (flags !== F_OBJECT) mask |= F_THREAD_LOCAL | F_UNIQUE;
  if ((before & mask & ~flags) !== 0) st.warning(`symbol '${s.name}' already has its type set`);
  const after = (before & ~mask) | flags;
  attrsOf(s).type = typeOfFlags(after);
  attrsOf(s).unique = (after & F_UNIQUE) !== 0;
};

/**
 * `.type NAME, @common`: GNU as makes a symbol not yet defined, or one `.set` equated, a common
 * one of size 0 (its alignment, the value written, 1) and gives its error for one defined by a
 * label or `.equiv`.
 */
function makeCommon(st: AsmState, s: SymbolState): void {
  if (s.state === 'label' || (s.state === 'equated' && isFixed(s))) st.error(`symbol '${s.name}' is already defined`);
  if (s.state !== 'undefined' && (s.state !== 'equated' || isFixed(s))) return;
  s.state = 'common';
  attrsOf(s).equ = undefined;
  attrsOf(s).commonAlign = Math.max(s.attrs.commonAlign, 1);
  if (!s.attrs.binding || s.attrs.binding === 'local') attrsOf(s).binding = 'global';
}

// BFD's flags for a symbol's type, as `.type` combines them (a TLS object named an object
// stays one, an indirect function named a function too, a unique object named an object too;
// common is an object).
const F_FUNCTION = 1;
const F_OBJECT = 2;
const F_INDIRECT = 4;
const F_THREAD_LOCAL = 8;
const F_UNIQUE = 16;
const TYPE_FLAGS: ReadonlyMap<number, number> = new Map([
  [STT_NOTYPE, 0], [STT_FUNC, F_FUNCTION], [STT_GNU_IFUNC, F_FUNCTION | F_INDIRECT], [STT_OBJECT, F_OBJECT], [STT_TLS, F_OBJECT | F_THREAD_LOCAL], [STT_COMMON, F_OBJECT],
]);

function typeOfFlags(flags: number): number {
  if (flags & F_FUNCTION) return flags & F_INDIRECT ? STT_GNU_IFUNC : STT_FUNC;
  if (flags & F_OBJECT) return flags & F_THREAD_LOCAL ? STT_TLS : STT_OBJECT;
  return STT_NOTYPE;
}

const size: Handler = (st, operands) => {
  const parts = operandTexts(operands);
  if (parts.length !== 2) throw new AsmError('expected comma after name in .size');
  const s = st.symbols.get(nameOf(parts[0]!), st.where);
  attrsOf(s).size = st.bindText(parts[1]!);
};

/** Defines an equated symbol (.set, .equ, `=`, and .equiv with `strict`). */
export function setSymbol(st: AsmState, nameText: string, exprText: string, strict: boolean): void {
  const name = nameOf(nameText);
  const s = st.symbols.get(name, st.where);
  if (strict && (s.state === 'label' || s.state === 'equated' || s.state === 'common')) {
    throw new AsmError(`symbol \`${name}' is already defined`);
  }
  if (s.state === 'label' || s.state === 'common' || (s.state === 'equated' && isFixed(s))) throw new AsmError(`symbol \`${name}' is already defined`);
  const bound = st.bindText(exprText);
  s.state = 'equated';
  attrsOf(s).equ = bound;
  setFixed(s, strict);
  s.place = st.where;
}

function setLike(strict: boolean): Handler {
  return (st, operands) => {
    const parts = operandTexts(operands);
    if (parts.length < 2) throw new AsmError(`expected comma after "${parts[0] ?? ''}"`);
    if (parts.length > 2) throw new AsmError(`junk at end of line, first unrecognized character is \`,'`);
    setSymbol(st, parts[0]!, parts[1]!, strict);
  };
}

const comm: Handler = (st, operands) => {
  const parts = operandTexts(operands);
  if (parts.length < 2) throw new AsmError('expected comma after symbol-name');
  const s = st.symbols.get(nameOf(parts[0]!), st.where);
  const bytes = Number(st.absolute(parts[1]!));
  if (bytes < 0) throw new AsmError('.comm length (-1) out of range ignored');
  const align = parts[2] !== undefined ? Number(st.absolute(parts[2])) : commonAlignment(bytes);
  if (s.state === 'label' || s.state === 'equated') throw new AsmError(`symbol \`${s.name}' is already defined`);
  s.state = 'common';
  attrsOf(s).commonSize = Math.max(s.attrs.commonSize, bytes);
  attrsOf(s).commonAlign = Math.max(s.attrs.commonAlign, align);
  if (!s.attrs.binding || s.attrs.binding === 'local') attrsOf(s).binding = 'global';
  if (s.attrs.type === 0) attrsOf(s).type = 1;
};

/** GAS's alignment for .comm without one: the size rounded up to a power of two, at most 16. */
function commonAlignment(bytes: number): number {
  let a = 1;
  while (a < bytes && a < 16) a *= 2;
  return a;
}

/** GAS's alignment for .lcomm without one: 8, 4, 2 or 1 by the size. */
function defaultCommonAlignment(bytes: number): number {
  if (bytes >= 8) return 8;
  if (bytes >= 4) return 4;
  if (bytes >= 2) return 2;
  return 1;
}

const lcomm: Handler = (st, operands) => {
  const parts = operandTexts(operands);
  if (parts.length < 2) throw new AsmError('expected comma after symbol-name');
  const name = nameOf(parts[0]!);
  const bytes = Number(st.absolute(parts[1]!));
  if (bytes < 0) {
    st.warning(`size (${bytes}) out of range, ignored`);
    return;
  }
  const align = parts[2] !== undefined ? Number(st.absolute(parts[2])) : defaultCommonAlignment(bytes);
  const back = st.current;
  const bss = st.section('.bss', 0);
  if (align > bss.addralign) bss.addralign = align;
  const here = st.here();
  const pad = (align - ((here.frag.address + here.offset) % align)) % align;
  if (pad) st.emitFill(pad, 0);
  st.defineLabel(name);
  const s = st.symbols.get(name);
  if (s.attrs.type === 0) attrsOf(s).type = 1;
  attrsOf(s).size = { kind: 'number', value: BigInt(bytes) };
  st.emitFill(bytes, 0);
  st.switchTo(back);
};

const ident: Handler = (st, operands) => {
  const back = st.current;
  const { section: comment, created } = st.sectionNamed('.comment');
  if (created) {
    comment.flags = SHF_MERGE | SHF_STRINGS;
    comment.entsize = 1;
  }
  st.switchTo({ section: comment, subsection: 0 });
  if (created) st.emit([0]);
  try {
    st.emit([...readString(operands.trim(), 0).bytes, 0]);
  } finally {
    st.switchTo(back);
  }
};

const ignored: Handler = () => undefined;

/** `.print "text"`: the text is kept for the caller to write (GNU as writes it to standard output). */
const print: Handler = (st, operands) => {
  const text = operands.trim();
  if (!text.startsWith('"')) throw new AsmError('missing string');
  const { bytes, end } = readString(text, 0);
  st.printed.push(Uint8Array.from(bytes));
  const rest = text.slice(end).trim();
  if (rest !== '') throw new AsmError(`junk at end of line, first unrecognized character is \`${rest[0]}'`);
};

export const SECTION_SYMBOL_DIRECTIVES: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['.text', simpleSection('.text')],
  ['.data', simpleSection('.data')],
  ['.bss', simpleSection('.bss')],
  ['.section', section],
  ['.pushsection', pushsection],
  ['.popsection', (st) => st.popSection()],
  ['.previous', (st) => st.previousSection()],
  ['.globl', globl],
  ['.global', globl],
  ['.local', local],
  ['.weak', weak],
  ['.hidden', visibility(2)],
  ['.protected', visibility(3)],
  ['.internal', visibility(1)],
  ['.type', type],
  ['.size', size],
  ['.set', setLike(false)],
  ['.equ', setLike(false)],
  ['.equiv', setLike(true)],
  ['.comm', comm],
  ['.lcomm', lcomm],
  ['.ident', ident],
  ['.code32', (st) => {
    st.codeSize = 32;
  }],
  ['.code16', (st) => {
    st.codeSize = 16;
  }],
  ['.att_syntax', ignored],
  ['.arch', ignored],
  ['.loc', ignored],
  ['.loc_mark_labels', ignored],
  ['.list', ignored],
  ['.nolist', ignored],
  ['.title', ignored],
  ['.psize', ignored],
  ['.eject', ignored],
  ['.print', print],
]);

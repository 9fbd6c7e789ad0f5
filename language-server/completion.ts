// Owns completion: directives (every one the assembler handles), mnemonics with their size
// suffixes (from the one opcode table), registers after `%`, feature names, cpp and GAS
// macros (with their parameters), and the document's labels.
import { DATA_DIRECTIVES } from '../toolchain/asm/data-directives';
import { SECTION_SYMBOL_DIRECTIVES } from '../toolchain/asm/directives';
import { CfiState, cfiDirectives } from '../toolchain/asm/cfi-directives';
import { CONDITIONALS } from '../toolchain/asm/conditionals';
import { entriesByMnemonic } from '../toolchain/isa/table-index';
import { REGISTERS } from '../toolchain/asm/encoder/registers';
import type { Analysis } from './analysis';
import { cppMacro, knownFeatures, names, PREFIX_MNEMONICS } from './names';
import { featureNumber } from './names';

export type CompletionKind = 'directive' | 'mnemonic' | 'register' | 'feature' | 'macro' | 'label';

export interface CompletionFact {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
}

/** Directives the front end reads that have no handler table of their own (macro and control ones). */
const CONTROL_DIRECTIVES = ['.macro', '.endm', '.exitm', '.purgem', '.rept', '.irp', '.irpc', '.endr', '.error', '.err', '.warning', '.end', '.file'];

let directiveList: readonly string[] | undefined;
export function directiveNames(): readonly string[] {
  directiveList ??= [...new Set([...DATA_DIRECTIVES.keys(), ...SECTION_SYMBOL_DIRECTIVES.keys(), ...cfiDirectives(new CfiState()).keys(), ...CONDITIONALS, ...CONTROL_DIRECTIVES])].sort();
  return directiveList;
}

let mnemonicList: readonly string[] | undefined;
/** Every mnemonic spelling GAS accepts for the table's rows: the bare name and each size suffix. */
export function mnemonicNames(): readonly string[] {
  if (mnemonicList) return mnemonicList;
  const out = new Set<string>(PREFIX_MNEMONICS);
  for (const [name, entries] of entriesByMnemonic()) {
    out.add(name);
    for (const e of entries) for (const s of e.asmSuffixes) if (name === e.mnemonic) out.add(name + s);
  }
  mnemonicList = [...out].sort();
  return mnemonicList;
}

export function completions(a: Analysis, lineText: string, column: number): CompletionFact[] {
  const before = lineText.slice(0, column);
  const word = /[%$.\w]*$/.exec(before)![0];
  if (word.startsWith('%')) return [...REGISTERS.keys()].filter((r) => !r.includes('(')).map((r) => ({ label: `%${r}`, kind: 'register' }));
  if (word.startsWith('.') && /^\s*(\w+:\s*)*[.\w]*$/.test(before)) return directiveNames().map((d) => ({ label: d, kind: 'directive' }));
  const out: CompletionFact[] = [];
  for (const f of knownFeatures(a)) {
    const n = featureNumber(a, f);
    out.push({ label: f, kind: 'feature', ...(n ? { detail: `${Math.floor(n.value / 32)}*32+${n.value % 32}` } : {}) });
  }
  if (word.startsWith('X86_')) return out;
  const atOp = /^\s*(\w+:\s*)*\w*$/.test(before) || /"[^"]*$/.test(before);
  if (atOp) for (const m of mnemonicNames()) out.push({ label: m, kind: 'mnemonic' });
  for (const g of names(a).gasMacros.values()) out.push({ label: g.name, kind: 'macro', detail: g.params.join(', ') });
  for (const name of a.preprocessed?.macros.keys() ?? []) {
    const m = cppMacro(a, name);
    if (m) out.push({ label: name, kind: 'macro', detail: m.funLike ? `(${m.params.join(', ')})` : m.body });
  }
  for (const name of names(a).symbolDefinitions.keys()) if (!/^\d+$/.test(name)) out.push({ label: name, kind: 'label' });
  return out;
}

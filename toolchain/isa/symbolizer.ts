// Owns naming addresses the way `objdump -d` does for branch targets and labels: the nearest
// symbol at or below the address (objdump's order among symbols of equal value), printed
// `name` or `name+0xN`.
import type { ElfSymbol } from '../elf/types';

const STT_SECTION = 3;
const STT_FILE = 4;
const STT_FUNC = 2;
const STB_LOCAL = 0;
const STB_GLOBAL = 1;

export interface Symbolizer {
  /** `name` or `name+0xN` for an address, undefined below the first symbol. */
  (address: number): string | undefined;
}

/** Symbols objdump keeps for disassembly: named, defined, not section or file symbols. */
export function usefulSymbols(symbols: readonly ElfSymbol[]): ElfSymbol[] {
  return symbols.filter((s) => s.name !== '' && s.shndx !== 0 && s.type !== STT_SECTION && s.type !== STT_FILE);
}

/** objdump's preference among symbols of equal value: functions, then non-locals, then globals
 *  (over weak), then sized ones, then names not starting with '.', then by name. Negative: a first. */
function compare(a: ElfSymbol, b: ElfSymbol): number {
  const keys = (s: ElfSymbol) => [
    s.type === STT_FUNC ? 0 : 1, s.bind === STB_LOCAL ? 1 : 0, s.bind === STB_GLOBAL ? 0 : 1,
    s.size !== 0 ? 0 : 1, s.name.startsWith('.') ? 1 : 0,
  ];
  const ka = keys(a), kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Builds a symbolizer over the file's .symtab, or .dynsym (names with @@VERSION) when there is no .symtab. */
export function makeSymbolizer(symtab: readonly ElfSymbol[], dynsym: readonly ElfSymbol[] = []): Symbolizer {
  const chosen = usefulSymbols(symtab.length ? symtab : dynsym);
  const byValue = new Map<number, ElfSymbol>();
  for (const s of chosen) {
    const prev = byValue.get(s.value);
    if (!prev || compare(s, prev) < 0) byValue.set(s.value, s);
  }
  const values = [...byValue.keys()].sort((a, b) => a - b);
  return (address: number) => {
    let lo = 0, hi = values.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! <= address) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    const value = values[best]!;
    const sym = byValue.get(value)!;
    const name = sym.version === undefined ? sym.name : `${sym.name}${sym.versionDefault ? '@@' : '@'}${sym.version}`;
    return address === value ? name : `${name}+0x${(address - value).toString(16)}`;
  };
}

// Owns applying a version script to the resolved globals: which definitions the vDSO
// exports and under which version (an exact name beats a glob, the first node wins among
// equals), and that every name the script spells out exactly is defined.
import { InputError } from '../errors';
import { printable } from '../elf/bytes';
import type { Definition, VersionNode } from './types';
import { STV_DEFAULT, STV_PROTECTED } from '../elf/symbols';

export interface ExportedSymbol {
  readonly name: string;
  readonly definition: Definition;
  /** .gnu.version index: 2 for the first node, 3 for the next, ... */
  readonly versionIndex: number;
}

/** Exports in link order of definition; every other global is to be made local. */
export function exportedSymbols(globals: ReadonlyMap<string, Definition>, versions: readonly VersionNode[]): ExportedSymbol[] {
  checkVersions(versions);
  const exact = new Map<string, number>();
  const globs: { pattern: RegExp; index: number }[] = [];
  versions.forEach((node, i) => {
    for (const g of node.globals) {
      if (/[*?[]/.test(g)) globs.push({ pattern: globToRegExp(g), index: i + 2 });
      else if (!exact.has(g)) exact.set(g, i + 2);
    }
  });
  for (const [name, index] of exact) {
    if (!globals.has(name)) {
      throw new InputError('version script', `version ${printable(versions[index - 2]!.name)}`, `'${printable(name)}' is exported but no input defines it`);
    }
  }
  const out: ExportedSymbol[] = [];
  for (const [name, definition] of globals) {
    const vis = definition.symbol.visibility;
    if (vis !== STV_DEFAULT && vis !== STV_PROTECTED) continue;
    const index = exact.get(name) ?? globs.find((g) => g.pattern.test(name))?.index;
    if (index !== undefined) out.push({ name, definition, versionIndex: index });
  }
  return out;
}

function checkVersions(versions: readonly VersionNode[]): void {
  const seen = new Set<string>();
  for (const v of versions) {
    if (!/^[A-Za-z_.][A-Za-z0-9_.]*$/.test(v.name)) throw new InputError('version script', `version ${printable(v.name)}`, 'is not a valid version name');
    if (seen.has(v.name)) throw new InputError('version script', `version ${printable(v.name)}`, 'is defined twice');
    if (v.parent !== undefined && !seen.has(v.parent)) {
      throw new InputError('version script', `version ${printable(v.name)}`, `inherits from '${printable(v.parent)}', which is not defined before it`);
    }
    seen.add(v.name);
  }
}

/** A glob (`*`, `?`, `[...]`) as an anchored regular expression. */
function globToRegExp(glob: string): RegExp {
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += '[' + glob.slice(i + 1, close).replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

/** The SysV ELF hash of a name (DT_HASH buckets, vd_hash). */
export function elfHash(name: string): number {
  let h = 0;
  for (const byte of new TextEncoder().encode(name)) {
    h = ((h << 4) + byte) >>> 0;
    const g = h & 0xf0000000;
    if (g !== 0) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  return h;
}

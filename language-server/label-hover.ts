// Owns the hover on a symbol the document defines (a label, a function, a .set name): where
// it is in the assembled object (section and offset, as readelf -s gives them), its binding
// and type (.globl/.weak, .type) and size, the CFA rule in force at it inside a CFI region,
// and for a landing pad whether it follows the `int $0x80` a restart backs up to.
import type { AsmSymbol } from '../toolchain/asm/module';
import { symbolTypeName } from '../toolchain/elf/names';
import type { Analysis } from './analysis';
import { rowAt, formatRow } from './cfi-rows';
import { instructionBefore, isLandingPad } from './diagnostics-cfi';
import { hexBytes } from './instructions';

export function labelHover(a: Analysis, name: string): string | undefined {
  const s = a.module.symbols.find((x) => x.name === name);
  // Section and file symbols are the directives' names, not the document's.
  if (!s || s.section === 'UND' || s.type === 3 || s.type === 4) return undefined;
  return symbolHover(a, `**${name}**`, s);
}

/**
 * A label GAS keeps out of the symbol table (local-labels.ts), under the word that names it:
 * `1b` says which `1:` it means.
 */
function localLabelHover(a: Analysis, word: string, s: AsmSymbol, line: number): string {
  const which = word === s.name ? '' : ` (\`${s.name}:\` of line ${line + 1})`;
  return symbolHover(a, `**${word}**${which}`, s, ', a local label (not in the object\'s symbol table)');
}

/** Instances shown in one hover; a long .rept has more copies than a hover can list. */
const SHOWN_INSTANCES = 8;

/** The hover on a word naming local label instances (one per copy of a .rept body for a `1b` in it), in address order. */
export function localLabelsHover(a: Analysis, word: string, labels: ReadonlyArray<{ readonly symbol: AsmSymbol; readonly line: number }>): string {
  const out = labels.slice(0, SHOWN_INSTANCES).map((l) => localLabelHover(a, word, l.symbol, l.line));
  if (labels.length > SHOWN_INSTANCES) out.push(`… and ${labels.length - SHOWN_INSTANCES} more instances, one per copy of the body`);
  return out.join('\n\n');
}

/** `title`: the name as Markdown; `note`: said after binding and type. */
function symbolHover(a: Analysis, title: string, s: AsmSymbol, note = ''): string {
  const name = s.name;
  const where = s.section === 'ABS' ? `absolute value 0x${s.value.toString(16)}` : s.section === 'COMMON' ? `common, ${s.size} bytes` : `${s.section}+0x${s.value.toString(16)}`;
  const out = [`${title} — ${where}; ${s.binding.toUpperCase()} ${symbolTypeName(s.type)}${s.size > 0 && s.section !== 'COMMON' ? `, size ${s.size}` : ''}${note}`];
  if (s.section !== 'ABS' && s.section !== 'COMMON') {
    const row = rowAt(a, s.section, s.value);
    if (row) out.push(`CFA rule at it: \`${formatRow(row.row, row.procedure.returnColumn)}\``);
    if (isLandingPad(name)) {
      const { before, int80 } = instructionBefore(a, s);
      out.push(int80
        ? `landing pad: follows \`int $0x80\` at ${s.section}+0x${before!.offset.toString(16)} (\`${hexBytes(before!.bytes)}\`); a restart backs up 2 bytes to it`
        : `landing pad that does not follow \`int $0x80\`${before ? ` (it follows \`${before.text}\`)` : ''}: a restart backs up 2 bytes from it`);
    }
  }
  return out.join('\n\n');
}

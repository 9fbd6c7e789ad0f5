// Owns the built-in macros written as GAS macro text: the kernel's ALTERNATIVE,
// ALTERNATIVE_2, ALTERNATIVE_3 and ALTERNATIVE_TERNARY in the flat (labels 140..146) form
// with the current 14-byte struct alt_instr entries (.long orig-., .long repl-., .4byte
// ft_flags, .byte orig_len, .byte repl_len), the original padded with 0x90 to the longest
// replacement; and the CFI_* names. They are used only when the file defines no macro of
// the same name. The text is plain GAS, so tests assemble it with real `as --32` too.
import { parseMacroHeader, type MacroDefinition } from './macros';

/** GAS's `>` gives -1 for true: max(a,b) = b + ((a > b) * (b - a)). */
function max(a: string, b: string): string {
  return `((${b}) + (((${a}) > (${b})) * ((${b}) - (${a}))))`;
}

function padding(longest: string): string {
  const extra = `(${longest} - (141b-140b))`;
  return `\t.skip -(${extra} > 0) * ${extra}, 0x90`;
}

/**
 * One struct alt_instr in three statements: GAS evaluates `.` in each operand of a `.long` at
 * that operand's own field, so `.long a - ., b - .` writes what two `.long` lines write, and the
 * assembler reads two statements fewer (1,000 sites are a large part of a kernel-style file's
 * reading). The flags stay alone: an empty `\ft_flags` is no field at all, as on its own line.
 */
function entry(repl: string, replEnd: string, flags: string): string {
  return [
    `\t.long 140b - ., ${repl} - .`,
    `\t.4byte ${flags}`,
    `\t.byte 142b - 140b, ${replEnd} - ${repl}`,
  ].join('\n');
}

function alternativeN(name: string, n: 1 | 2 | 3): string {
  const params = ['oldinstr'];
  for (let i = 1; i <= n; i++) params.push(n === 1 ? 'newinstr' : `newinstr${i}`, n === 1 ? 'ft_flags' : `ft_flags${i}`);
  const label = (i: number) => `${143 + i}`;
  const lens: string[] = [];
  for (let i = 0; i < n; i++) lens.push(`(${label(i + 1)}f-${label(i)}f)`);
  let longest = lens[0]!;
  for (let i = 1; i < n; i++) longest = max(longest, lens[i]!);
  // A label shares the next statement's line where that statement is the macro's own (not an
  // argument's text, which may be a conditional or be empty): one statement fewer each.
  const lines = [
    `.macro ${name} ${params.join(', ')}`,
    `140:`,
    `\t\\oldinstr`,
    `141:${padding(longest)}`,
    `142:\t.pushsection .altinstructions,"a"`,
  ];
  for (let i = 0; i < n; i++) {
    const flags = n === 1 ? '\\ft_flags' : `\\ft_flags${i + 1}`;
    lines.push(entry(`${label(i)}f`, `${label(i + 1)}f`, flags));
  }
  lines.push(`\t.popsection`, `\t.pushsection .altinstr_replacement,"ax"`);
  for (let i = 0; i < n; i++) {
    lines.push(`${label(i)}:`, `\t\\${n === 1 ? 'newinstr' : `newinstr${i + 1}`}`);
  }
  lines.push(`${label(n)}:\t.popsection`, `.endm`);
  return lines.join('\n');
}

const CFI_NAMES: readonly string[] = [
  'STARTPROC', 'ENDPROC', 'DEF_CFA', 'DEF_CFA_REGISTER', 'DEF_CFA_OFFSET', 'ADJUST_CFA_OFFSET', 'OFFSET',
  'REL_OFFSET', 'REGISTER', 'RESTORE', 'REMEMBER_STATE', 'RESTORE_STATE', 'UNDEFINED', 'ESCAPE',
  'SIGNAL_FRAME', 'SAME_VALUE', 'VAL_OFFSET', 'RETURN_COLUMN', 'SECTIONS', 'PERSONALITY', 'LSDA',
];

/** The built-in macros as GAS source text. */
export const PRELUDE_TEXT: string = [
  alternativeN('ALTERNATIVE', 1),
  alternativeN('ALTERNATIVE_2', 2),
  alternativeN('ALTERNATIVE_3', 3),
  [
    '.macro ALTERNATIVE_TERNARY oldinstr, ft_flags, newinstr_yes, newinstr_no',
    '\tALTERNATIVE_2 "\\oldinstr", "\\newinstr_no", X86_FEATURE_ALWAYS, "\\newinstr_yes", \\ft_flags',
    '.endm',
  ].join('\n'),
  ...CFI_NAMES.map((n) => `.macro CFI_${n} args:vararg\n\t.cfi_${n.toLowerCase()} \\args\n.endm`),
].join('\n') + '\n';

let parsed: ReadonlyMap<string, MacroDefinition> | undefined;

/** The built-in macro definitions by lower-case name (GAS macro names ignore case); parsed once, shared by every assembly. */
export function builtinMacros(): ReadonlyMap<string, MacroDefinition> {
  return (parsed ??= parsePrelude());
}

function parsePrelude(): Map<string, MacroDefinition> {
  const out = new Map<string, MacroDefinition>();
  const lines = PRELUDE_TEXT.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\.macro\s+(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== '.endm') body.push(lines[j++]!);
    const def = parseMacroHeader(m[1]!, true, body);
    out.set(def.name.toLowerCase(), def);
    i = j;
  }
  return out;
}

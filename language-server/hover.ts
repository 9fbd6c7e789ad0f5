// Owns hover text (Markdown): a feature name (its number as word*32+bit, what it means,
// which CPU models and kernel kinds of the emulator have it); an ALTERNATIVE invocation
// (each alternative's bytes and length, the padding, and what the site becomes per CPU model
// and kernel kind, disassembled); an instruction (encoding, length, stack change, the CFI row
// after it); a macro use (its definition and, for cpp macros, what the line expands to); a line
// of hand-written .eh_frame bytes (its CIE or FDE decoded, as readelf prints it); a symbol the
// document defines (label-hover.ts).
import { X86_FEATURES } from '../toolchain/asm/builtin-features';
import { CPU_MODELS, KERNEL_KINDS } from '../toolchain/designs/options';
import { disassembleBytes } from '../toolchain/isa/disassemble';
import { cpuFeatures } from '../emulator/kernel/vdso/alternatives';
import { lineOfText, type Analysis, type FileSource } from './analysis';
import { lineOfFile } from './file-text';
import type { ServerSettings } from './build-settings';
import { cppMacro, featureLabel, featureNumber, names } from './names';
import { alternativeBlockAt, scanOf } from './semantic-tokens';
import { wordAtPosition } from './symbols';
import { hexBytes, instructionsIn, instructionsOnLine, sectionOf } from './instructions';
import { rowAt, formatRow } from './cfi-rows';
import { kernelBuild, macroBodies, patchedSites, siteLines, sitesOnLine } from './alternative-view';
import { documentLine } from './diagnostics-assembler';
import { parseFrameSection } from '../toolchain/dwarf/cie-fde';
import { formatFrameSection } from '../toolchain/dwarf/readelf-frames';
import { ehFrameAtZero } from './eh-frame-action';
import { inactiveGroupAt } from './inactive';
import { labelHover, localLabelsHover } from './label-hover';
import { localLabelAt } from './local-labels';
import { objectSymbolizer } from './object-symbolizer';
import { shownPath } from './shown-path';
import { formatAtt } from '../toolchain/isa/att-formatter';
import { DecodeStatus } from '../toolchain/isa/instruction';

export interface HoverResult {
  readonly markdown: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

function fence(lines: readonly string[]): string {
  return '```\n' + lines.join('\n') + '\n```';
}

function defineComment(a: Analysis, file: string, line: number, read: FileSource): string | undefined {
  const l = lineOfFile(a, file, line - 1, read);
  const m = l && /\/\*\s*(.*?)\s*\*\//.exec(l);
  return m ? m[1] : undefined;
}

export function featureHover(a: Analysis, name: string, read: FileSource): string {
  const f = featureNumber(a, name);
  if (!f) return `**${name}**: unknown feature (neither #defined nor built in)`;
  const word = Math.floor(f.value / 32);
  const bit = f.value % 32;
  const meaning = (f.location && defineComment(a, f.location.file, f.location.line, read)) ?? X86_FEATURES.get(name)?.meaning;
  const has: string[] = [];
  for (const kernel of KERNEL_KINDS) for (const cpu of CPU_MODELS) if (cpuFeatures(cpu, kernel).has(f.value)) has.push(`${cpu}/${kernel}`);
  return [
    `**${name}** = ${word}*32+${bit} (${f.value})`,
    meaning ? `\n${meaning}` : '',
    `\nSet on: ${has.length ? has.join(', ') : 'no CPU model of the emulator'}`,
    `\n_${f.location ? `${f.from} in ${shownPath(a, f.location.file)}:${f.location.line}` : f.from}_`,
  ].join('\n');
}

/** Each analysis's ALTERNATIVE hovers by line: every lexeme of the line gets the same text, and each costs a disassembly per CPU model and kernel kind. */
const alternativeHovers = new WeakMap<Analysis, Map<number, string | undefined>>();

/** What the ALTERNATIVE site(s) at a line are and become per CPU model and kernel kind, made once per analysis and line (the kernel builds are kept per analysis too). */
export function alternativeHover(doc: Analysis, line: number, settings: ServerSettings, read: FileSource): string | undefined {
  let byLine = alternativeHovers.get(doc);
  if (!byLine) alternativeHovers.set(doc, (byLine = new Map()));
  if (byLine.has(line)) return byLine.get(line);
  const text = alternativeHoverText(doc, line, settings, read);
  byLine.set(line, text);
  return text;
}

function alternativeHoverText(doc: Analysis, line: number, settings: ServerSettings, read: FileSource): string | undefined {
  // The site as the document's kernel kind assembles it, else as the other kind does (an #if branch).
  const a = [doc, ...KERNEL_KINDS.map((k) => kernelBuild(doc, k, settings, read).analysis)].find((x) => sitesOnLine(x, line).length > 0);
  if (!a) return undefined;
  const sites = sitesOnLine(a, line);
  const text = sectionOf(a.module, sites[0]!.section);
  const repl = sectionOf(a.module, '.altinstr_replacement');
  const site = sites[0]!;
  const original = text ? text.bytes.subarray(site.offset, site.offset + site.length) : new Uint8Array(0);
  const instrLength = instructionsIn(a, site.section, site.offset, site.offset + site.length).reduce((n, f) => n + f.bytes.length, 0);
  const made = alternativeBlockAt(a, line)?.name ?? (scanOf(a).byLine[line] ?? []).find((l) => l.kind === 'op')?.text ?? 'ALTERNATIVE';
  const out: string[] = [`**${made}** at ${site.section}+0x${site.offset.toString(16)}, ${site.length} bytes`];
  if (a !== doc) out.push('', `_assembled only for ${a.options.kernel}_`);
  out.push('', '| cpu | kernel | patched bytes | code |', '| --- | --- | --- | --- |');
  for (const p of patchedSites(doc, line, settings, read)) {
    const code = p.code ? p.code.map((l) => l.text.replace(/\s+/g, ' ')).join('; ') : '';
    out.push(`| ${p.cpu} | ${p.kernel} | ${p.bytes ? '`' + hexBytes(p.bytes) + '`' : ''} | ${p.note ?? '`' + code + '`'} |`);
  }
  out.push('', `original (${instrLength} bytes, ${site.length - instrLength} bytes of 0x90 padding): \`${hexBytes(original) || '(empty)'}\``);
  out.push(fence(disassembleBytes(original, site.offset).map((l) => `${l.bytes.padEnd(20)} ${l.text}`)));
  for (const s of sites) {
    const bytes = repl ? repl.bytes.subarray(s.replacementOffset, s.replacementOffset + s.replacementLength) : new Uint8Array(0);
    out.push(`replacement for ${featureLabel(a, s)} (${s.replacementLength} bytes): \`${hexBytes(bytes) || '(empty)'}\``);
    if (bytes.length) out.push(fence(disassembleBytes(bytes, s.replacementOffset).map((l) => `${l.bytes.padEnd(20)} ${l.text}`)));
  }
  return out.join('\n');
}

export function instructionHover(a: Analysis, line: number): string | undefined {
  const facts = instructionsOnLine(a, line).filter((f) => f.section !== '.altinstr_replacement');
  if (facts.length === 0) return undefined;
  const out: string[] = [];
  for (const f of facts) {
    const stack = f.stack.kind === 'delta' ? (f.stack.delta === 0 ? 'no stack change' : `esp ${f.stack.delta > 0 ? '+' : ''}${f.stack.delta}`) : `esp: ${f.stack.reason}`;
    const row = rowAt(a, f.section, f.offset + f.bytes.length);
    // Branch targets named as objdump -d names them in the object (`jne 9 <spin>`).
    const text = f.insn.status === DecodeStatus.Ok ? formatAtt(f.insn, { symbolize: objectSymbolizer(a, f.section) }) : f.text;
    out.push(`\`${text}\` — ${f.section}+0x${f.offset.toString(16)}, ${f.bytes.length} byte${f.bytes.length === 1 ? '' : 's'}: \`${hexBytes(f.bytes)}\`; ${stack}${row ? `; after it: \`${formatRow(row.row, row.procedure.returnColumn)}\`` : ''}`);
  }
  return out.join('\n\n');
}

const outputByLine = new WeakMap<Analysis, ReadonlyMap<number, readonly number[]>>();

/** For each line (1-based) of the document, the lines of cpp's output that came from it, found once per analysis rather than on each hover. */
function outputLines(a: Analysis): ReadonlyMap<number, readonly number[]> {
  const hit = outputByLine.get(a);
  if (hit) return hit;
  const out = new Map<number, number[]>();
  (a.preprocessed?.lines ?? []).forEach((loc, i) => {
    if (loc.file !== a.file) return;
    const list = out.get(loc.line);
    if (list) list.push(i);
    else out.set(loc.line, [i]);
  });
  outputByLine.set(a, out);
  return out;
}

export function macroHover(a: Analysis, name: string, line: number): string | undefined {
  const m = cppMacro(a, name);
  if (m) {
    const head = `#define ${m.name}${m.funLike ? `(${m.params.join(', ')})` : ''} ${m.body}`;
    const expansion = a.preprocessed ? (outputLines(a).get(line + 1) ?? []).map((i) => lineOfText(a.preprocessed!, a.preprocessed!.text, i).trim()) : [];
    return [fence([head]), `_${shownPath(a, m.loc.file)}:${m.loc.line}_`, expansion.length ? 'expands to:\n' + fence(expansion) : ''].join('\n\n');
  }
  const g = names(a).gasMacros.get(name.toLowerCase());
  if (!g) return undefined;
  return [fence([g.header, ...g.body.map((b) => '\t' + b), '.endm']), g.builtin ? '_built into the assembler (used when the file defines no macro of this name)_' : g.location ? `_${shownPath(a, g.location.file)}:${g.location.line}_` : ''].join('\n\n');
}

/** On a line of hand-written .eh_frame bytes: the CIE or FDE it is part of, decoded as readelf prints it. */
export function ehFrameHover(a: Analysis, line: number): string | undefined {
  // Most documents have no .eh_frame written by hand: no pass over their line entries.
  const eh = sectionOf(a.module, '.eh_frame');
  if (!eh) return undefined;
  const offsets = a.module.lines.filter((l) => l.section === '.eh_frame' && documentLine(a, l.location.file, l.location.line) === line).map((l) => l.offset);
  if (offsets.length === 0) return undefined;
  let frames;
  try {
    frames = parseFrameSection({ fileName: a.file, name: '.eh_frame', address: 0, bytes: ehFrameAtZero(eh) }, 'eh_frame');
  } catch (e) {
    return `hand-written .eh_frame that does not decode: ${(e as Error).message}`;
  }
  const entry = frames.entries.find((x) => offsets.some((o) => o >= x.offset && o < x.end));
  if (!entry) return undefined;
  const one = { ...frames, entries: [entry] };
  const text = formatFrameSection(one, false).split('\n').slice(2).join('\n').trim();
  const interp = formatFrameSection(one, true).split('\n').slice(2).join('\n').trim();
  return `hand-written .eh_frame ${entry.kind.toUpperCase()} at 0x${entry.offset.toString(16)} (sections at address 0, as readelf shows an object)\n\n${fence([text])}\n\n${fence([interp])}`;
}

/** Whether document line `line` uses the GAS macro `name` (as its op). */
function macroUseOn(a: Analysis, line: number, name: string): boolean {
  return (scanOf(a).byLine[line] ?? []).some((l) => l.kind === 'op' && l.text.toLowerCase() === name.toLowerCase());
}

export function hover(a: Analysis, line: number, column: number, settings: ServerSettings, read: FileSource): HoverResult | undefined {
  const w = wordAtPosition(a, line, column);
  const range = (start: number, end: number, markdown: string): HoverResult => ({ markdown, line, start, end });
  if (w?.text.startsWith('X86_FEATURE_')) return range(w.start, w.start + w.text.length, featureHover(a, w.text, read));
  const block = alternativeBlockAt(a, line);
  const skipped = block && inactiveGroupAt(a, block.startLine);
  if (block && skipped) {
    // No site with the document's options; the other kernel kind may assemble the branch (CONFIG_X86_64).
    const note = `**${block.name}** is inactive: ${skipped.by === 'cpp' ? 'cpp skips this #if' : 'GAS skips this .if'} branch with the document's options (kernel ${a.options.kernel}), so it is no site here`;
    const other = alternativeHover(a, block.startLine, settings, read);
    return range(w?.start ?? column, w ? w.start + w.text.length : column, other ? `${note}\n\n---\n\n${other}` : note);
  }
  const body = block && macroBodies(a).find((m) => m.from <= block.startLine && block.startLine <= m.to);
  if (block && body) {
    // A template: each use of the macro makes its own site from the .if branch GAS takes there.
    const uses = siteLines(a).filter((l) => macroUseOn(a, l, body.name));
    const note = `**${block.name}** in the body of \`.macro ${body.name}\`: no site here; each use of ${body.name} makes one${uses.length ? ` (line${uses.length > 1 ? 's' : ''} ${uses.map((l) => l + 1).join(', ')}; hover there for what it becomes per CPU)` : ''}`;
    const more = w ? macroHover(a, w.text, line) : undefined;
    return range(w?.start ?? column, w ? w.start + w.text.length : column, more ? `${note}\n\n---\n\n${more}` : note);
  }
  if (block) {
    const text = alternativeHover(a, block.startLine, settings, read);
    if (text) return range(w?.start ?? column, w ? w.start + w.text.length : column, text);
  }
  if (!block && sitesOnLine(a, line).some((s) => s.location.file === a.file)) {
    // A macro use that made a site: what it becomes, then the macro.
    const text = alternativeHover(a, line, settings, read)!;
    const more = w && (cppMacro(a, w.text) || names(a).gasMacros.has(w.text.toLowerCase())) ? macroHover(a, w.text, line) : undefined;
    return range(w?.start ?? column, w ? w.start + w.text.length : column, more ? `${text}\n\n---\n\n${more}` : text);
  }
  const local = w && !cppMacro(a, w.text) ? localLabelAt(a, line, column) : undefined;
  const label = local ? localLabelsHover(a, local.text, local.labels) : w && !cppMacro(a, w.text) ? labelHover(a, w.text) : undefined;
  if (label) {
    const more = instructionHover(a, line);
    return range(w!.start, w!.start + w!.text.length, more ? `${label}\n\n---\n\n${more}` : label);
  }
  if (w && (cppMacro(a, w.text) || names(a).gasMacros.has(w.text.toLowerCase()))) {
    const text = macroHover(a, w.text, line);
    const more = instructionHover(a, line) ?? ehFrameHover(a, line);
    if (text) return range(w.start, w.start + w.text.length, more ? `${text}\n\n---\n\n${more}` : text);
  }
  const insns = instructionHover(a, line);
  if (insns) return range(w?.start ?? column, w ? w.start + w.text.length : column, insns);
  const eh = ehFrameHover(a, line);
  if (eh) return range(w?.start ?? column, w ? w.start + w.text.length : column, eh);
  return undefined;
}

// The language server's incremental analysis (language-server/region-analysis.ts) gives what
// a fresh analysis of the whole text gives: on a kernel-style .S (ENTRY/END-style functions
// with CFI_* macros, ALTERNATIVE and ALTERNATIVE_2 sites, numeric and .L labels, an #ifdef
// block, a call from one function to another, a .rodata table), each of a seeded series of
// random single-line edits is analysed incrementally from the analyses before it and compared
// with analyze() of the edited text, and the lexical scan put together from the regions (and
// each line's ALTERNATIVE blocks in its own region's scan) with scanSource of the edited
// text, the names the regions' statements define and the expanded statements with the whole
// analysis's (each edit goes to the version before or, half the time, to the original):
// semantic tokens, every finding and the inlay hints. Most
// edits must re-run only some regions, or the test would prove nothing about reuse. The same
// goes for a .s (GAS without cpp: a region is assembled as written), and a one-line edit in a
// large .s re-runs one region.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, analyzeIncrementally, diskFileSource, type Analysis } from '../../language-server/analysis';
import { IncrementalAnalyzer } from '../../language-server/region-analysis';
import { semanticTokens } from '../../language-server/semantic-tokens';
import { allFindings } from '../../language-server/diagnostics';
import { inlayHints } from '../../language-server/inlay-hints';
import { scanSource, type SourceScan } from '../../language-server/source-scan';
import { names } from '../../language-server/names';
import { prng } from '../support/prng';
import { scaled } from '../support/scale';
import { HEADER, kernelStyle } from './kernel-style';
import { scratch } from '../support/oracles';

/** What a scan tells: its lexemes, each line's, its ALTERNATIVE blocks and cpp directives. */
function lexicalView(s: SourceScan): unknown {
  return { lexemes: s.lexemes, byLine: s.byLine, alternatives: s.alternatives, directives: s.directives };
}

const INSERTS = ['\tnop', '\tpushl\t%eax', '\tpopl\t%eax', '\tCFI_ADJUST_CFA_OFFSET\t4', '\tmovl\t%esp, %ebp', 'garbage here', '\tALTERNATIVE "", "pushl %eax", X86_FEATURE_SEP',
  '\tjmp\t1f', '1:', '\t.p2align 4', '\t.byte 1, 2, 3', '\tCFI_ENDPROC', '\tCFI_STARTPROC', '#define EXTRA 1', '\tcall\tstub_2', '\tmovl\t$X86_FEATURE_SYSENTR32, %eax', '/* a comment */', ''];

function edit(lines: string[], rnd: () => number, inserts: readonly string[]): string[] {
  const out = [...lines];
  const at = 3 + Math.floor(rnd() * (out.length - 4));
  const kind = Math.floor(rnd() * 5);
  const insert = inserts[Math.floor(rnd() * inserts.length)]!;
  if (kind === 0) out.splice(at, 0, insert);
  else if (kind === 1) out.splice(at, 1);
  else if (kind === 2) out[at] = insert;
  else if (kind === 3) out[at] = `${out[at]} `;
  else out.splice(at, 0, out[Math.floor(rnd() * out.length)]!);
  return out;
}

function observable(a: Analysis): unknown {
  const lines = a.text.split('\n').length;
  return {
    tokens: semanticTokens(a),
    findings: allFindings(a).map((f) => JSON.stringify(f)).sort(),
    hints: inlayHints(a, 0, lines, { cfa: true, offsets: true }),
    localLabels: a.module.localLabels,
    numericReferences: a.module.numericReferences,
    skipped: a.module.skipped,
  };
}

/** Kernel-style stubs written for GAS alone (no cpp): a .macro, an ALTERNATIVE (built in) in one function of `altEvery`, `#` and block comments. */
function plainStyle(functions: number, altEvery = 1): string[] {
  const out = ['# kernel-style entry stubs, no cpp (X86_FEATURE_* names are the assembler\'s built-ins)', '\t.equ STUBS, 40',
    '.macro SAVE reg', '\tpushl \\reg', '\t.cfi_adjust_cfa_offset 4', '.endm', '\t.text', ''];
  for (let i = 0; i < functions; i++) {
    out.push(`\t.globl\tstub_${i}`, `\t.type\tstub_${i}, @function`, `stub_${i}:`, '\t.cfi_startproc', '\tSAVE %ecx', '\t.cfi_rel_offset ecx, 0');
    if (i % (2 * altEvery) === 0) out.push('\tALTERNATIVE_2 "", "movl %esp, %ecx; sysenter", X86_FEATURE_SYSENTER32, "movl %ecx, %ecx; syscall", X86_FEATURE_SYSCALL32');
    else if (i % altEvery === 0) out.push('\tALTERNATIVE "", "movl %esp, %ecx; sysenter", X86_FEATURE_SEP');
    else out.push('\tmovl\t%esp, %ecx');
    out.push('1:\ttestl\t%eax, %eax # test', '\tjnz\t1b', `\tjz\t.Lout_${i}`, '\tint\t$0x80');
    if (i % 7 === 3) out.push('/* a block comment', '   over two lines */', '\tnop; nop');
    if (i % 11 === 5) out.push(`\tcall\tstub_${i - 1}`);
    if (i % 13 === 6) out.push('\t.pushsection .rodata', `\t.long\t.Lout_${i}, ${i}`, '\t.popsection');
    out.push(`.Lout_${i}:`, '\tpopl\t%ecx', '\t.cfi_restore ecx', '\t.cfi_adjust_cfa_offset -4', '\tret', '\t.cfi_endproc', `\t.size\tstub_${i}, .-stub_${i}`, '');
  }
  return out;
}

const PLAIN_INSERTS = ['\tnop', '\tpushl\t%eax', '\tpopl\t%eax', '\t.cfi_adjust_cfa_offset\t4', '\tmovl\t%esp, %ebp', 'garbage here', '\tALTERNATIVE "", "pushl %eax", X86_FEATURE_SEP',
  '\tjmp\t1f', '1:', '\t.p2align 4', '\t.byte 1, 2, 3', '\t.cfi_endproc', '\t.cfi_startproc', '\t.equ EXTRA, 1', '\tcall\tstub_2', '\tmovl\t$X86_FEATURE_SYSENTR32, %eax',
  '/* a comment */', '# a comment /*', '/* opened', 'closed */', '\tSAVE %edx', '#define NOT_CPP 1', '#if 0', '\tmovl %eax, %ebx // /* odd', ''];

function checkEdits(name: string, base: readonly string[], inserts: readonly string[], seed: number): void {
  const dir = scratch('vdso-lab-incremental-');
  try {
    writeFileSync(join(dir, 't.h'), HEADER);
    const path = join(dir, name);
    const uri = pathToFileURL(path).href;
    const files = diskFileSource(() => undefined);
    const analyzer = new IncrementalAnalyzer();
    const rnd = prng(seed);
    let lines = [...base];
    let reused = 0;
    let incremental = 0;
    const edits = scaled(24, 4);
    for (let version = 1; version <= edits + 1; version++) {
      // Half the edits start again from the original, so that one bad edit does not stay forever.
      if (version > 1) lines = edit(rnd() < 0.5 ? [...base] : lines, rnd, inserts);
      const text = lines.join('\n');
      const doc = { uri, version, getText: () => text };
      const steps = analyzeIncrementally(doc, {}, files, analyzer);
      let r = steps.next();
      while (!r.done) r = steps.next();
      const whole = analyze(doc, {}, files);
      assert.deepEqual(observable(r.value), observable(whole), `version ${version} (${JSON.stringify(analyzer.last)})`);
      const scan = scanSource(text);
      if (r.value.lexical) assert.deepEqual(lexicalView(r.value.lexical()), lexicalView(scan), `the scan put together from the regions, version ${version}`);
      // The one piece's scan that a hover reads has every ALTERNATIVE block of its lines, as the whole scan has them.
      for (let line = 0; r.value.lexicalAt && line < lines.length; line++) {
        const at = (list: typeof scan.alternatives) => list.filter((b) => b.startLine <= line && line <= b.endLine);
        assert.deepEqual(at((r.value.lexicalAt(line) ?? scan).alternatives), at(scan.alternatives), `the blocks on line ${line} from its piece's scan, version ${version}`);
      }
      assert.deepEqual([...names(r.value).definedNames].sort(), [...names(whole).definedNames].sort(), `the defined names from the regions' module, version ${version}`);
      assert.deepEqual(r.value.expanded, whole.expanded, `the expanded statements, version ${version}`);
      const last = analyzer.last;
      if (process.env.VDSO_LAB_LSP_DEBUG) console.log(version, JSON.stringify(last));
      if (last && 'ran' in last && version > 1) {
        incremental++;
        if (last.ran < last.regions) reused++;
      }
    }
    assert.ok(incremental >= edits / 2, `at least half the edits were analysed by regions (${incremental} of ${edits})`);
    assert.ok(reused >= incremental * 0.8, `most incremental analyses kept regions (${reused} of ${incremental})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('random single-line edits analysed incrementally give what a fresh whole-document analysis gives', () => {
  checkEdits('entry.S', kernelStyle(40), INSERTS, 20261202);
});

test('the same for a .s, which GAS reads without cpp: its regions are taken as written', () => {
  checkEdits('entry.s', plainStyle(40), PLAIN_INSERTS, 20261203);
});

test('a one-line edit in a large .s re-assembles only the region it is in', () => {
  const dir = scratch('vdso-lab-incremental-');
  try {
    const uri = pathToFileURL(join(dir, 'large.s')).href;
    const files = diskFileSource(() => undefined);
    const analyzer = new IncrementalAnalyzer();
    const run = (lines: readonly string[], version: number): Analysis => {
      const text = lines.join('\n');
      const steps = analyzeIncrementally({ uri, version, getText: () => text }, {}, files, analyzer);
      let r = steps.next();
      while (!r.done) r = steps.next();
      return r.value;
    };
    const lines = plainStyle(200);
    run(lines, 1);
    const first = analyzer.last;
    assert.ok(first && 'regions' in first && first.regions >= 10, `the large .s is analysed by regions (${JSON.stringify(first)})`);
    // One more instruction in the middle: the lines and the offsets after it move.
    const at = lines.indexOf('\tint\t$0x80', lines.indexOf('stub_100:'));
    const edited = [...lines.slice(0, at), '\tnop', ...lines.slice(at)];
    const a = run(edited, 2);
    assert.deepEqual(analyzer.last, { regions: first.regions, ran: 1 }, 'one region ran again, the others were kept or shifted');
    const text = edited.join('\n');
    assert.deepEqual(observable(a), observable(analyze({ uri, version: 2, getText: () => text }, {}, files)), 'and the result is the whole analysis\'s');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

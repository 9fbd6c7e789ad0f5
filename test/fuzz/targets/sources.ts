// Owns the fuzz targets for source text: the cpp alone, and the whole assembler (cpp, then
// the assembler, then the object writer when the module has no errors). Seeds: the shipped
// stub designs (vdso/), gcc -m32 -S output, and the checked-in sources of
// test/fuzz/corpus/asm and corpus/cpp. Includes come from memory (vdso/include and the
// designs' headers), so a mutated #include never reads the host.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { preprocess } from '../../../toolchain/asm/cpp/preprocess';
import { assemble } from '../../../toolchain/asm/assembler';
import { preprocessedLineMap } from '../../../toolchain/asm/assemble-source';
import type { Diagnostic } from '../../../toolchain/asm/module';
import { writeObject } from '../../../toolchain/elf/write-object';
import { withGeneratedSections } from '../../../toolchain/dwarf/emit-sections';
import { designsRoot } from '../../../toolchain/designs/build';
import { buildInput, fixedFolder } from '../../support/builds';
import { OBJECT_C } from '../../elf/programs';
import { bytesOf, check, oneLine, rejected, textOf, type FuzzTarget, type Seed } from '../target';

const FILE = 'fuzz.S';

/** Every file under vdso/ by its path from the repository root: the seeds (.S) and the headers they include. */
function designFiles(): Map<string, string> {
  const root = designsRoot();
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else out.set(`vdso/${relative(root, path)}`, readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return out;
}

function sourceSeeds(): Seed[] {
  const designs = [...designFiles()].filter(([p]) => p.endsWith('.S')).map(([p, text]) => ({ name: p, bytes: bytesOf(text) }));
  // With -g, in a folder that is the same in every run (builds.ts fixedFolder): built once per machine, the same seed each run.
  const folder = fixedFolder({ 'object-s.c': OBJECT_C });
  const object = buildInput({ tool: 'gcc', args: ['-m32', '-S', '-O2', '-g', '-fcommon', join(folder, 'object-s.c'), '-o', 'object.s'], dir: folder });
  return [...designs, { name: object, bytes: new Uint8Array(readFileSync(object)) }];
}

interface Sources {
  readonly headers: Map<string, string>;
}

const prepare = (): Sources => ({ headers: designFiles() });

/** The cpp's include lookup, in memory: `vdso/include/x.h` and the designs' own headers. */
function readHeader(s: Sources): (path: string) => string | undefined {
  return (path) => s.headers.get(path.replace(/^\.\//, '')) ?? s.headers.get(`vdso/include/${path.split('/').pop()}`);
}

function checkDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    check(oneLine(d.message), `a message of more than one line: ${JSON.stringify(d.message.slice(0, 200))}`);
    check(typeof d.location.file === 'string' && d.location.file.length > 0 && d.location.line >= 1, `a message without its place: ${JSON.stringify(d)}`);
  }
}

export const cppTarget: FuzzTarget<Sources> = {
  name: 'cpp',
  testInputs: 400,
  what: 'kernel-style .S text through the cpp (#include from memory, macros, conditionals): diagnostics of one line with file:line, never an exception',
  kind: 'text',
  limitMs: 5000,
  made: sourceSeeds,
  prepare,
  run(input, s) {
    const pre = preprocess({ file: FILE, text: textOf(input), includeDirs: ['vdso/include'], defines: ['__ASSEMBLY__'], readFile: readHeader(s), now: new Date(0) });
    checkDiagnostics(pre.diagnostics);
    check(pre.lines.length === pre.text.split('\n').length - 1, 'the line map does not match the output');
    return pre.diagnostics.some((d) => d.severity === 'error') ? 'rejected' : 'accepted';
  },
};

export const asmTarget: FuzzTarget<Sources> = {
  name: 'asm',
  testInputs: 80,
  what: 'GAS source through the cpp, the assembler and the object writer: diagnostics of one line with file:line, never an exception; runaway macros and fills stopped with a message',
  kind: 'text',
  limitMs: 10_000,
  made: sourceSeeds,
  prepare,
  run(input, s) {
    const text = textOf(input);
    const pre = preprocess({ file: FILE, text, includeDirs: ['vdso/include'], defines: ['__ASSEMBLY__', 'VDSO_LAB_BUILTIN_ALTERNATIVES'], readFile: readHeader(s), now: new Date(0) });
    const module = assemble({ file: FILE, text: pre.text, lineMap: preprocessedLineMap(pre, FILE) });
    checkDiagnostics([...pre.diagnostics, ...module.diagnostics]);
    const plain = assemble({ file: 'fuzz.s', text });
    checkDiagnostics(plain.diagnostics);
    if ([...pre.diagnostics, ...module.diagnostics].some((d) => d.severity === 'error')) return 'rejected';
    try {
      check(writeObject(withGeneratedSections(module), FILE).length > 52, 'an object without its header');
    } catch (e) {
      return rejected(e, FILE);
    }
    return 'accepted';
  },
};

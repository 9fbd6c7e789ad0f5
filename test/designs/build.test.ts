// Tests that every shipped design builds with vdso-lab's toolchain (buildDesign) and with
// GNU cpp/as/ld, and that the two images agree: the same .text, .eh_frame, .eh_frame_hdr,
// .altinstructions and .altinstr_replacement bytes, the same readelf frames-interp, the
// same exported symbols (readelf rows; ld orders .dynsym by its hash walk) and landing pads,
// the same .text line rows as GNU as -g; and what the designs are known to hold
// (the hand-written legacy CFI bytes of docs/kernel-facts.md §1, the proposal's code as the mail
// writes it, with the one correction vdso/proposal.S names). Quick runs compare one image
// of each design (test/support/scale.ts). Every image is built when a test first asks, and read
// by one readelf per kind of reading over them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDesign } from '../../toolchain/designs/build';
import { allDesigns, auxvEntry, findDesign } from '../../toolchain/designs/registry';
import { parseElf32 } from '../../toolchain/elf/reader';
import { run, scratch } from '../support/oracles';
import { runEach } from '../support/run-tool';
import { sampled } from '../support/scale';
import { gnuImage, parseSectionsHex, sectionHex, sectionsHexArgs } from './gnu-build';

const dir = scratch('vdso-lab-designs-build-');
const SECTIONS = ['.text', '.eh_frame', '.eh_frame_hdr', '.altinstructions', '.altinstr_replacement', '.note'];

/** readelf's symbol rows (`--dyn-syms` or `-s` output), without their numbers, sorted. */
function symbolRows(listing: string): string[] {
  return listing
    .split('\n')
    .filter((l) => /^\s+\d+:/.test(l))
    .map((l) => l.replace(/^\s+\d+:\s+/, '').replace(/\s+/g, ' '))
    .sort();
}

const built = new Map<string, string>();
/** The images the file compares: one of each design at a quick scale (test/support/scale.ts). */
const IMAGES = allDesigns().flatMap((design) => sampled(design.images).map(({ image, kernel }) => ({ design, image, kernel, label: `${design.name}-${image.name}` })));
/** What readelf prints of each image ours and GNU's: one reading per entry, in this order. */
const READINGS = [
  (f: string) => sectionsHexArgs(f, SECTIONS),
  (f: string) => ['--debug-dump=frames-interp', f],
  (f: string) => ['--dyn-syms', '-W', f],
  (f: string) => ['-s', '-W', f],
  (f: string) => ['--debug-dump=decodedline', f],
];
interface Pair {
  readonly ours: string;
  readonly theirs: string;
  /** Each reading of ours, then of theirs. */
  readonly readings: Array<() => string>;
}
let pairs: Map<string, Pair | Error> | undefined;
/**
 * Each image built by vdso-lab and by GNU as + ld (an image whose build throws holds the error,
 * for its own test), and every readelf reading of them all from one shell (run-tool.ts runEach:
 * one readelf per reading over every image), made when a test first asks.
 */
function pairOf(label: string): Pair {
  pairs ??= (() => {
    const files = new Map<string, { ours: string; theirs: string } | Error>();
    for (const { design, image, kernel, label: l } of IMAGES) {
      try {
        const ours = join(dir, `${l}.so`);
        writeFileSync(ours, buildDesign(design.name, kernel, { image: image.name }).bytes);
        built.set(l, ours);
        files.set(l, { ours, theirs: gnuImage(dir, l, image, design.versions) });
      } catch (e) {
        files.set(l, e instanceof Error ? e : new Error(String(e)));
      }
    }
    const readable = [...files].flatMap(([l, f]) => (f instanceof Error ? [] : [{ label: l, ...f }]));
    const outputs = runEach(readable.flatMap(({ ours, theirs }) => READINGS.flatMap((args) => [ours, theirs].map((f) => ({ tool: 'readelf', args: args(f), cwd: dir })))));
    const per = 2 * READINGS.length;
    return new Map([...files].map(([l, f]) => {
      const at = readable.findIndex((r) => r.label === l);
      return [l, f instanceof Error ? f : { ...f, readings: outputs.slice(at * per, (at + 1) * per) }];
    }));
  })();
  const pair = pairs.get(label)!;
  if (pair instanceof Error) throw pair;
  return pair;
}

for (const { image, label } of IMAGES) {
  test(`${label}: vdso-lab's image equals GNU as + ld's (section bytes, frames-interp, symbols)`, () => {
    const { ours, theirs, readings } = pairOf(label);
    const [ourHex, theirHex, ourFrames, theirFrames, ourDyn, theirDyn, ourSyms, theirSyms, ourDecoded, theirDecoded] = readings;
    const [ourSections, theirSections] = [parseSectionsHex(ourHex!(), SECTIONS), parseSectionsHex(theirHex!(), SECTIONS)];
    for (const name of SECTIONS) {
      assert.equal(ourSections.get(name), theirSections.get(name), `${label}: ${name} differs`);
    }
    assert.notEqual(ourSections.get('.eh_frame'), '');
    assert.equal(ourFrames!().replace(ours, 'IMAGE'), theirFrames!().replace(theirs, 'IMAGE'));
    assert.deepEqual(symbolRows(ourDyn!()), symbolRows(theirDyn!()));
    const pads = (listing: string) => symbolRows(listing).filter((r) => /(landing_pad|after_int80|SYSENTER_RETURN|vsyscall_\w+)$/.test(r));
    const ourPads = pads(ourSyms!());
    assert.deepEqual(ourPads, pads(theirSyms!()));
    if (image.landingPad) assert.ok(ourPads.some((r) => r.endsWith(` ${image.landingPad}`)), ourPads.join('\n'));
    // The line table of .text as as -g writes it (the .altinstr_replacement rows differ by
    // design: GNU as gets the header's ALTERNATIVE macros, whose bodies it numbers its own
    // way; ours are the built-in's, on the ALTERNATIVE line).
    const textStart = parseElf32(new Uint8Array(readFileSync(ours)), ours).section('.text')!.addr;
    const textEnd = textStart + parseElf32(new Uint8Array(readFileSync(ours)), ours).section('.text')!.size;
    const textLines = (decoded: string) => decoded.split('\n\n')
      .filter((seq) => { const m = /\s(0x[0-9a-f]+|0)\s/.exec(seq); return m !== null && Number(m[1]) >= textStart && Number(m[1]) < textEnd; });
    const ourLines = textLines(ourDecoded!());
    assert.ok(ourLines.length > 0, `${label}: no .text line rows`);
    assert.deepEqual(ourLines, textLines(theirDecoded!()), `${label}: .text line rows differ from GNU as -g`);
  });
}

function symbol(file: string, name: string): number {
  const elf = parseElf32(new Uint8Array(readFileSync(file)), file);
  const s = [...elf.symbols, ...elf.dynamicSymbols].find((x) => x.name === name);
  assert.ok(s, `${name} in ${file}`);
  return s.value;
}

function objdumpFunction(file: string, name: string): string[] {
  const start = symbol(file, name);
  const elf = parseElf32(new Uint8Array(readFileSync(file)), file);
  const sym = [...elf.symbols, ...elf.dynamicSymbols].find((x) => x.name === name)!;
  return run('objdump', ['-d', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${(start + sym.size).toString(16)}`, file])
    .split('\n')
    .map((l) => /^\s+[0-9a-f]+:\t[0-9a-f ]+\t(.*)$/.exec(l)?.[1]?.replace(/\s+/g, ' ').trim())
    .filter((x): x is string => !!x);
}

test('legacy sysenter: the hand-written CIE and FDE are the kernel\'s bytes (docs/kernel-facts.md §1)', () => {
  const file = built.get('legacy-sysenter') ?? (() => {
    const f = join(dir, 'legacy-sysenter-2.so');
    writeFileSync(f, buildDesign('legacy', 'native32', { image: 'sysenter' }).bytes);
    return f;
  })();
  const frames = run('readelf', ['--debug-dump=frames', file]);
  const hex = sectionHex(file, '.eh_frame');
  const cie = '14000000' + '00000000' + '01' + '7a5200' + '01' + '7c' + '08' + '01' + '1b' + '0c0404' + '8801' + '0000';
  assert.ok(hex.includes(cie), hex);
  const fdeRules = '410e08' + '410e0c' + '410e108504' + '4e0e0cc5' + '410e08' + '410e04' + '0000';
  assert.ok(hex.includes(fdeRules), hex);
  assert.match(frames, /00000024 0000001c FDE cie=[0-9a-f]+ pc=[0-9a-f]+\.\.[0-9a-f]+/);
  assert.match(frames, /"zRS"/);
  assert.deepEqual(objdumpFunction(file, '__kernel_vsyscall'), [
    'push %ecx', 'push %edx', 'push %ebp', 'mov %esp,%ebp', 'sysenter',
    'nop', 'nop', 'nop', 'nop', 'nop', 'nop', 'nop',
    `jmp ${(symbol(file, '__kernel_vsyscall') + 3).toString(16)} <__kernel_vsyscall+0x3>`,
    'pop %ebp', 'pop %edx', 'pop %ecx', 'ret',
  ]);
  assert.equal(symbol(file, 'VDSO32_SYSENTER_RETURN') - symbol(file, '__kernel_vsyscall'), 16);
});

test('proposal: the code is the mail\'s, with its int $0x80 fallback reading the caller\'s ecx at 4(%esp), and vsyscall_after_int80 after int $0x80', () => {
  const file = join(dir, 'proposal-check.so');
  writeFileSync(file, buildDesign('proposal', 'compat64').bytes);
  const code = objdumpFunction(file, '__kernel_vsyscall');
  assert.deepEqual(code, ['push %ecx', 'push %edx', 'mov %esp,%edx', 'nop', 'nop', 'nop', 'mov %edx,%esp', 'mov (%esp),%edx', 'mov 0x4(%esp),%ecx', 'int $0x80', 'pop %edx', 'pop %ecx', 'ret']);
  assert.equal(symbol(file, 'vsyscall_after_int80') - symbol(file, '__kernel_vsyscall'), 18);
  assert.equal(sectionHex(file, '.altinstr_replacement'), '0f340f05f4');
});

test('auxv: the registry\'s entries exist in the image; the kernel picks by CPU and kernel kind', () => {
  const file = join(dir, 'auxv-check.so');
  writeFileSync(file, buildDesign('auxv', 'compat64').bytes);
  for (const e of findDesign('auxv')!.entries!) {
    symbol(file, e.symbol);
    if (e.landingPad) assert.equal(objdumpFunction(file, e.symbol).slice(-5)[0], 'int $0x80');
  }
  assert.equal(symbol(file, '__kernel_vsyscall'), symbol(file, 'vsyscall_int80'));
  assert.equal(auxvEntry('amd', 'compat64').method, 'syscall');
  assert.equal(auxvEntry('intel', 'compat64').method, 'sysenter');
  assert.equal(auxvEntry('amd', 'native32').method, 'sysenter');
  assert.equal(auxvEntry('generic', 'native32').method, 'int80');
});

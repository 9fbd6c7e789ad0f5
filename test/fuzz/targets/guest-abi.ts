// Owns the guest ABI fuzz target: a tiny static i386 program (as and ld build it) reads
// records of seven words from stdin (eax, ebx, ecx, edx, esi, edi, ebp) and makes each one
// a system call with int $0x80. The inputs are random calls whose pointer arguments often
// name path strings of the program (escapes such as ../outside/secret, /proc/self/root/..,
// symlinks) and its buffer. Each runs in the emulator on a fresh --root with writes allowed,
// bounded in instructions and memory; the emulator must never throw, and nothing beside the
// root (a sibling folder with a secret file) may change. Also the loader's target: a real
// static program with its headers mutated.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProgram } from '../../../emulator/kernel/loader';
import { RunLoop } from '../../../emulator/kernel/run-loop';
import { nodeHostFs } from '../../../emulator/kernel/vfs/node-host';
import { parseElf32 } from '../../../toolchain/elf/reader';
import { assemble, buildC, run } from '../../support/oracles';
import { pick, type Random } from '../mutate';
import { check, rejected, type FuzzTarget, type Seed } from '../target';

const PATHS = [
  '/etc/passwd', '../outside/secret', '../../outside/secret', '/../outside/secret', '..', '/', '.', 'file', 'dir', 'dir/../../outside',
  'link', 'dir/link', '/proc/self/root/../outside/secret', '/proc/self/exe', '/proc/self/cwd/../outside', '/dev/null', '/dev/zero', '//outside/secret',
  '../outside', 'dir/sub', 'fifo', '',
];

const PROGRAM = `
\t.globl _start
\t.data
\t.globl paths
paths:
${PATHS.map((p, i) => `path${i}:\t.asciz "${p}"`).join('\n')}
\t.balign 4096
\t.globl buf
buf:\t.space 8192
\t.bss
rec:\t.space 28
\t.text
_start:
\tmovl $3, %eax
\txorl %ebx, %ebx
\tmovl $rec, %ecx
\tmovl $28, %edx
\tint $0x80
\tcmpl $28, %eax
\tjne 1f
\tmovl rec+4, %ebx
\tmovl rec+8, %ecx
\tmovl rec+12, %edx
\tmovl rec+16, %esi
\tmovl rec+20, %edi
\tmovl rec+24, %ebp
\tmovl rec, %eax
\tint $0x80
\tjmp _start
1:\tmovl $1, %eax
\txorl %ebx, %ebx
\tint $0x80
`;

const PROGRAM_SEED = 'guest-abi.elf';

/** The system calls that reach files, memory, processes and signals, weighted up (i386 numbers). */
const CALLS = [3, 4, 5, 6, 9, 10, 11, 12, 14, 15, 19, 30, 33, 37, 38, 39, 40, 41, 45, 54, 61, 63, 83, 85, 90, 91, 92, 93, 94, 106, 118, 125, 133, 140, 141, 180, 181, 183, 187, 192, 195, 196, 212, 220, 221, 226, 230, 295, 296, 297, 300, 301, 302, 303, 304, 305, 306, 307, 320, 353, 355, 437];
const FLAGS = [0, 1, 2, 0x40, 0x41, 0x42, 0x242, 0x441, 0x10000, 0x20000, 0x20042, 0x200000, 0x400000, 0xc2];

interface Layout {
  readonly paths: number[];
  readonly buf: number;
}

function layout(program: Uint8Array): Layout {
  const elf = parseElf32(program, PROGRAM_SEED);
  const at = (name: string): number => elf.symbols.find((s) => s.name === name)!.value;
  return { paths: PATHS.map((_, i) => at(`path${i}`)), buf: at('buf') };
}

let layoutCache: Layout | undefined;

function argument(rnd: Random, l: Layout): number {
  const r = rnd();
  if (r < 0.3) return l.paths[pick(rnd, l.paths.length)]!;
  if (r < 0.4) return l.buf + pick(rnd, 64) * 64;
  if (r < 0.55) return FLAGS[pick(rnd, FLAGS.length)]!;
  if (r < 0.7) return pick(rnd, 8);
  if (r < 0.75) return -100 >>> 0;
  if (r < 0.8) return [0xffffffff, 0x7fffffff, 0x80000000, 0xfffff000, 0x1ff, 0x1000][pick(rnd, 6)]!;
  return Math.floor(rnd() * 2 ** 32) >>> 0;
}

export const guestAbiTarget: FuzzTarget<{ program: Uint8Array; base: string }> = {
  name: 'guest-abi',
  testInputs: 200,
  what: 'random i386 system calls (numbers and arguments, paths that try to leave the root) in a guest on a fresh --root with writes: the emulator never throws and nothing outside the root changes',
  kind: 'bytes',
  limitMs: 10_000,
  made(dir) {
    const object = assemble('guest-abi', PROGRAM, dir);
    const exe = join(dir, PROGRAM_SEED);
    run('ld', ['-m', 'elf_i386', '-static', object, '-o', exe]);
    return [{ name: PROGRAM_SEED, bytes: new Uint8Array(readFileSync(exe)) }];
  },
  generate(rnd, seeds: readonly Seed[]) {
    const program = seeds.find((s) => s.name.endsWith(PROGRAM_SEED))!.bytes;
    layoutCache ??= layout(program);
    const records = 1 + pick(rnd, 24);
    const out = new Uint8Array(records * 28);
    const view = new DataView(out.buffer);
    for (let k = 0; k < records; k++) {
      const nr = rnd() < 0.85 ? CALLS[pick(rnd, CALLS.length)]! : pick(rnd, 460);
      view.setUint32(k * 28, nr === 1 || nr === 252 ? 20 : nr, true);
      for (let a = 1; a < 7; a++) view.setUint32(k * 28 + 4 * a, argument(rnd, layoutCache) >>> 0, true);
    }
    return out;
  },
  prepare(seeds) {
    return { program: seeds.find((s) => s.name.endsWith(PROGRAM_SEED))!.bytes, base: mkdtempSync(join(tmpdir(), 'vdso-lab-fuzz-abi-')) };
  },
  run(input, { program, base }) {
    rmSync(join(base, 'root'), { recursive: true, force: true });
    rmSync(join(base, 'outside'), { recursive: true, force: true });
    mkdirSync(join(base, 'root', 'dir'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(base, 'outside', 'secret'), 'secret\n');
    writeFileSync(join(base, 'root', 'file'), 'inside\n');
    const before = snapshot(base);
    const cwd = process.cwd();
    const { process: guest } = loadProgram(program, PROGRAM_SEED, {
      options: { cpu: 'intel', kernel: 'compat64', abi: 'upstream' },
      memoryLimit: 64 << 20,
      host: {
        stdout: () => undefined,
        stderr: () => undefined,
        stdin: { data: input },
        files: { host: nodeHostFs, root: join(base, 'root'), allowWrites: true },
        report: () => undefined,
      },
    }, { argv: ['/prog'], envp: [], execPath: '/prog' });
    const result = new RunLoop(guest).run(2_000_000);
    check(['exited', 'killed', 'budget'].includes(result.kind), `the run ended with ${JSON.stringify(result)}`);
    check(process.cwd() === cwd, `the host's working directory moved to ${process.cwd()}`);
    const after = snapshot(base);
    check(after === before, `the host changed outside the guest's root: ${before} became ${after}`);
    return 'accepted';
  },
};

/** What lies beside the root: the base folder's names and everything under outside/ with sizes and times. */
function snapshot(base: string): string {
  const parts = [readdirSync(base).sort().join(',')];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const s = statSync(path, { throwIfNoEntry: false });
      parts.push(`${path.slice(base.length)}:${s?.size}:${s?.mtimeMs}:${s?.mode}`);
      if (s?.isDirectory()) walk(path);
    }
  };
  walk(join(base, 'outside'));
  return parts.join(' ');
}

/** A static program's ELF header and program headers: where a mutation changes how it loads. */
function loadRegions(s: Seed) {
  const phnum = s.bytes[44]! | (s.bytes[45]! << 8);
  return [{ start: 0, size: 52 + 32 * phnum }];
}

export const guestLoadTarget: FuzzTarget = {
  name: 'guest-load',
  testInputs: 60,
  what: 'static i386 programs with mutated ELF and program headers, loaded and run (bounded): one InputError naming the file, a guest death, a budget stop or an exit, never an exception',
  kind: 'bytes',
  limitMs: 5000,
  made(dir) {
    const path = buildC('victim', '#include <stdio.h>\nint main(void) { puts("alive"); return 0; }\n', ['-static', '-O1'], dir);
    return [{ name: path, bytes: new Uint8Array(readFileSync(path)) }];
  },
  regions: loadRegions,
  run(input) {
    let guest;
    try {
      guest = loadProgram(input, 'fuzz', {
        options: { cpu: 'intel', kernel: 'compat64', abi: 'upstream' },
        memoryLimit: 64 << 20,
        host: { stdout: () => undefined, stderr: () => undefined, report: () => undefined },
      }, { argv: ['/fuzz'], envp: [], execPath: '/fuzz' }).process;
    } catch (e) {
      return rejected(e, 'fuzz');
    }
    const result = new RunLoop(guest).run(300_000);
    check(['exited', 'killed', 'budget'].includes(result.kind), `the run ended with ${JSON.stringify(result)}`);
    return 'accepted';
  },
};

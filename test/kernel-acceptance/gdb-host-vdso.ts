// Owns the gdb side of the host-vDSO unwinding oracle: an i386 program (as + ld) that maps
// the Debian vdso32.so, patched for the generic CPU (the int $0x80 path: qemu-i386 cannot run
// sysenter/syscall from user mode), at a fixed address with its own fixed stack, and calls
// __kernel_vsyscall (getpid) from a function with CFI; and the driver that runs it under
// qemu-i386's gdbstub, loads the image into gdb with add-symbol-file, and at every stepi
// from the stub's first instruction to the return records `bt`, then `info registers` in
// frame 0 and in frame 1, as gdb prints them. (Over an int $0x80, whose stepi qemu-i386 runs
// one instruction too far, a temporary breakpoint on the next instruction replaces stepi.)
import { assemble } from '../support/oracles';
import { buildInput } from '../support/builds';
import { runGdbScript } from '../support/qemu-gdb';

export const LOAD_AT = 0x70000000;
export const STACK_TOP = 0x60010000;
/** The registers compared, in DWARF order (the unwinder's numbering). */
export const REGISTERS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags'] as const;
/** The values the caller loads before the call (eax = __NR_getpid). */
export const CALLER_VALUES = { eax: 20, ebx: 0x11111111, ecx: 0x22222222, edx: 0x33333333, esi: 0x44444444, edi: 0x55555555, ebp: 0x66666666 };

/** The program's source: `image` is the patched vDSO file, `vsyscall` its __kernel_vsyscall. */
export function programSource(image: string, imageSize: number, vsyscall: number): string {
  const v = CALLER_VALUES;
  return `
	.section .rodata
	.p2align 4
image:	.incbin "${image}"
image_end:
	.text
	.globl _start
_start:
	movl $192, %eax            /* mmap2(LOAD_AT, size, RWX, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) */
	movl $${LOAD_AT}, %ebx
	movl $${(imageSize + 0xfff) & ~0xfff}, %ecx
	movl $7, %edx
	movl $0x32, %esi
	movl $-1, %edi
	xorl %ebp, %ebp
	int $0x80
	movl $image, %esi
	movl $${LOAD_AT}, %edi
	movl $(image_end - image), %ecx
	cld
	rep movsb
	movl $192, %eax            /* mmap2(STACK_TOP - 64K, 64K, RW, ...): the same stack under qemu and the model */
	movl $${STACK_TOP - 0x10000}, %ebx
	movl $0x10000, %ecx
	movl $3, %edx
	movl $0x32, %esi
	movl $-1, %edi
	xorl %ebp, %ebp
	int $0x80
	movl $${STACK_TOP}, %esp
	call outer
	movl $1, %eax
	xorl %ebx, %ebx
	int $0x80

	.globl outer
	.type outer, @function
outer:
	.cfi_startproc
	pushl %ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %ebp, 0
	pushl %ebx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %ebx, 0
	pushl %esi
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %esi, 0
	movl $${v.eax}, %eax
	movl $${v.ebx}, %ebx
	movl $${v.ecx}, %ecx
	movl $${v.edx}, %edx
	movl $${v.esi}, %esi
	movl $${v.edi}, %edi
	movl $${v.ebp}, %ebp
	call ${LOAD_AT + vsyscall}
	.globl after_call
after_call:
	popl %esi
	.cfi_adjust_cfa_offset -4
	.cfi_restore %esi
	popl %ebx
	.cfi_adjust_cfa_offset -4
	.cfi_restore %ebx
	popl %ebp
	.cfi_adjust_cfa_offset -4
	.cfi_restore %ebp
	ret
	.cfi_endproc
	.size outer, . - outer
`;
}

/** Builds the program with as --32 and ld -m elf_i386 (static); returns its path. */
export function buildProgram(dir: string, name: string, image: string, imageSize: number, vsyscall: number): string {
  const object = assemble(name, programSource(image, imageSize, vsyscall), dir);
  return buildInput({ tool: 'ld', args: ['-m', 'elf_i386', '-static', '-o', name, object], dir });
}

/** One gdb stop: the pc, `bt` parsed, and `info registers` of frame 0 and frame 1 parsed. */
export interface GdbStop {
  readonly pc: number;
  readonly bt: string;
  /** #N frames' pcs from `bt`. */
  readonly frames: readonly number[];
  readonly frame0: Readonly<Record<string, number>>;
  readonly frame1: Readonly<Record<string, number>>;
}

const SCRIPT = String.raw`
import gdb, json, time
cfg = json.load(open(CONFIG))
out = open(cfg['out'], 'w')
gdb.execute('set pagination off')
gdb.execute('set confirm off')
gdb.execute('set width 0')
gdb.execute('add-symbol-file %s -o 0x%x' % (cfg['image'], cfg['loadAt']), to_string=True)
connect(cfg['port'])
gdb.execute('break *0x%x' % cfg['stub'], to_string=True)
gdb.execute('continue', to_string=True)
for n in range(cfg['maxSteps']):
    pc = int(gdb.parse_and_eval('$pc')) & 0xffffffff
    bt = gdb.execute('bt', to_string=True)
    gdb.execute('frame 0', to_string=True)
    r0 = gdb.execute('info registers', to_string=True)
    gdb.execute('frame 1', to_string=True)
    r1 = gdb.execute('info registers', to_string=True)
    gdb.execute('frame 0', to_string=True)
    out.write(json.dumps({'pc': pc, 'bt': bt, 'r0': r0, 'r1': r1}) + '\n')
    out.flush()
    if pc == cfg['until']:
        break
    code = bytes(gdb.selected_inferior().read_memory(pc, 2))
    if code == b'\xcd\x80':
        # qemu-i386's gdbstub runs one instruction past a system call on stepi: stop at the next one by a breakpoint.
        gdb.execute('tbreak *0x%x' % (pc + 2), to_string=True)
        gdb.execute('continue', to_string=True)
    else:
        gdb.execute('stepi', to_string=True)
out.close()
try:
    gdb.execute('kill')
except gdb.error:
    pass
`;

/** Parses `info registers` lines ("eax            0x14                20"). */
export function parseInfoRegisters(text: string): Record<string, number> {
  const regs: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+)\s+(0x[0-9a-f]+)\s/.exec(line + ' ');
    if (m) regs[m[1]!] = Number(m[2]) >>> 0;
  }
  return regs;
}

/** Parses `bt` ("#0  0x70000551 in __kernel_vsyscall ()", "#1  0x08049062 in outer ()"). */
export function parseBacktrace(text: string): number[] {
  const pcs: number[] = [];
  for (const line of text.split('\n')) {
    const m = /^#(\d+)\s+(0x[0-9a-f]+) in /.exec(line);
    if (m && Number(m[1]) === pcs.length) pcs.push(Number(m[2]) >>> 0);
  }
  return pcs;
}

/** Runs `program` under qemu-i386 -g and gdb; stops from `stub` (stepi each time) until `until`. */
export function gdbStops(program: string, image: string, stub: number, until: number): { stops: GdbStop[]; qemuPid: number } {
  const { lines, qemuPid } = runGdbScript({ program, script: SCRIPT, config: { image, loadAt: LOAD_AT, stub, until, maxSteps: 64 } });
  const stops = lines.map((line) => {
    const s = JSON.parse(line) as { pc: number; bt: string; r0: string; r1: string };
    return { pc: s.pc, bt: s.bt, frames: parseBacktrace(s.bt), frame0: parseInfoRegisters(s.r0), frame1: parseInfoRegisters(s.r1) };
  });
  return { stops, qemuPid };
}

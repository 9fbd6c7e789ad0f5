// The run loop's contract: exact instruction counts and budgets that end inside blocks and
// self-loops, faults in the middle of a block leaving the state of the instructions before,
// breakpoints, the watchpoint, TF single-stepping with the popf and mov-ss rules, stores into
// code, #UD/#DE/#BP/kernel-entry stops. Results of whole programs are compared with qemu-i386.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runQemu } from './harness';
import { buildGuest, EXIT, loadElf, runGuest, writeOut } from './guest';


const LOOP = `
.globl _start
_start:
  mov $1000, %ecx
  xor %eax, %eax
  mov $7, %edx
loop:
  add %ecx, %eax
  rol $3, %eax
  xor %edx, %eax
  imul $5, %edx, %edx
  dec %ecx
  jnz loop
  mov %eax, out
  mov %edx, out+4
  pushf
  pop out+8
${writeOut(12)}${EXIT}
.data
out: .fill 12
`;

test('a program gives qemu-i386\'s output, and the same state whatever the budget slices', async () => {
  const g = buildGuest('loop', LOOP);
  const expected = await runQemu(g.path);
  const whole = runGuest(loadElf(g.path));
  assert.deepEqual(whole.stdout, expected);
  for (const slice of [1, 3, 7, 64, 1000]) {
    const p = loadElf(g.path);
    let stops = 0;
    for (;;) {
      const before = p.cpu.state.icount;
      const stop = p.cpu.run(slice);
      if (stop.kind === 'budget') {
        assert.equal(p.cpu.state.icount - before, slice, 'a budget stop retires exactly the budget');
        stops++;
        continue;
      }
      assert.equal(stop.kind, 'kernel');
      break;
    }
    assert.ok(stops > 0);
  }
  const sliced = loadElf(g.path);
  while (sliced.cpu.run(5).kind === 'budget');
  const ref = loadElf(g.path);
  ref.cpu.run(1e9);
  assert.deepEqual([...sliced.cpu.state.r], [...ref.cpu.state.r]);
  assert.equal(sliced.cpu.state.eflags, ref.cpu.state.eflags);
  assert.equal(sliced.cpu.state.icount, ref.cpu.state.icount);
  assert.equal(ref.cpu.state.icount, 3 + 6 * 1000 + 4 + 5, 'instructions up to and including the write system call');
});

const FAULT = `
.globl _start
_start:
  mov $1, %eax
  mov $2, %ebx
  add %eax, %ebx
before:
  mov 0x10, %ecx
  mov $3, %edx
${EXIT}`;

test('a fault in the middle of a block stops at the faulting instruction with the earlier ones done', () => {
  const g = buildGuest('fault', FAULT);
  const p = loadElf(g.path);
  p.cpu.state.r[2] = 99;
  const stop = p.cpu.run(100);
  assert.deepEqual(stop, { kind: 'fault', fault: { kind: 'page-fault', address: 0x10, access: 'read', protection: false, vector: 'PF' }, address: g.symbols.get('before') });
  assert.equal(p.cpu.state.eip, g.symbols.get('before'));
  assert.equal(p.cpu.state.r[0], 1);
  assert.equal(p.cpu.state.r[3], 3);
  assert.equal(p.cpu.state.r[2], 99, 'later instructions did not run');
  assert.equal(p.cpu.state.icount, 3);
  assert.equal(p.cpu.state.eflags & 0x8d5, 0x04, 'flags of add 1+2: PF only');
});

const STRAIGHT = `
.globl _start
_start:
  mov $1, %eax
  mov $2, %ebx
mid:
  mov $3, %ecx
  mov %eax, value
after_store:
  mov $4, %edx
${EXIT}
.data
value: .long 0
`;

test('breakpoints stop before the instruction, are stepped over on resume, and can be cleared', () => {
  const g = buildGuest('bp', STRAIGHT);
  const p = loadElf(g.path);
  p.cpu.run(1);
  p.cpu.setBreakpoint(g.symbols.get('mid')!);
  assert.deepEqual(p.cpu.run(100), { kind: 'breakpoint', address: g.symbols.get('mid') });
  assert.equal(p.cpu.state.icount, 2);
  assert.equal(p.cpu.state.r[1], 0);
  const stop = p.cpu.run(100);
  assert.equal(stop.kind, 'kernel');
  assert.equal(p.cpu.state.r[1], 3);
  const q = loadElf(g.path);
  q.cpu.setBreakpoint(g.symbols.get('mid')!);
  q.cpu.clearBreakpoint(g.symbols.get('mid')!);
  assert.equal(q.cpu.run(100).kind, 'kernel');
});

test('the data breakpoint stops after the storing instruction', () => {
  const g = buildGuest('watch', STRAIGHT);
  const p = loadElf(g.path);
  p.cpu.setWatchpoint(g.symbols.get('value')!, 4, 'write');
  const stop = p.cpu.run(100);
  assert.deepEqual(stop, { kind: 'watchpoint', watched: g.symbols.get('value'), address: g.symbols.get('after_store')! - 5 });
  assert.equal(p.cpu.state.eip, g.symbols.get('after_store'));
  assert.equal(p.cpu.state.icount, 4);
  assert.equal(p.memory.rd32(g.symbols.get('value')!), 1);
  assert.equal(p.cpu.run(100).kind, 'kernel');
});

const STRING_STORE = `
.globl _start
_start:
  mov $value, %edi
  mov $7, %eax
  cld
  stosl
after_stos:
  mov $4, %edx
  lodsb
  mov $5, %edx
${EXIT}
.data
value: .long 0
`;

test('the data breakpoint stops after a string instruction (no rep) in the middle of a block, and so does a read one', () => {
  const g = buildGuest('watch-string', STRING_STORE);
  const p = loadElf(g.path);
  p.cpu.setWatchpoint(g.symbols.get('value')!, 4, 'write');
  assert.deepEqual(p.cpu.run(100), { kind: 'watchpoint', watched: g.symbols.get('value'), address: g.symbols.get('after_stos')! - 1 });
  assert.equal(p.cpu.state.eip, g.symbols.get('after_stos'));
  assert.equal(p.cpu.state.icount, 4);
  assert.equal(p.cpu.state.r[2], 0, 'the instruction after stosl has not run');
  assert.equal(p.memory.rd32(g.symbols.get('value')!), 7);
  const q = loadElf(g.path);
  q.cpu.state.r[6] = g.symbols.get('value')!;
  q.cpu.setWatchpoint(g.symbols.get('value')!, 1, 'readWrite');
  q.cpu.clearWatchpoint();
  q.cpu.setWatchpoint(g.symbols.get('value')! + 3, 1, 'readWrite');
  const first = q.cpu.run(100);
  assert.equal(first.kind, 'watchpoint');
  assert.equal(q.cpu.state.eip, g.symbols.get('after_stos'), 'the store reaches the watched byte');
  q.cpu.clearWatchpoint();
  q.cpu.setWatchpoint(g.symbols.get('value')!, 1, 'readWrite');
  assert.deepEqual(q.cpu.run(100), { kind: 'watchpoint', watched: g.symbols.get('value'), address: g.symbols.get('after_stos')! + 5 });
  assert.equal(q.cpu.state.eip, g.symbols.get('after_stos')! + 6, 'lodsb completed, the mov after it has not run');
  assert.equal(q.cpu.state.r[2], 4);
  assert.equal(q.cpu.state.r[0] & 0xff, 7);
});

const TRACE = `
.globl _start
_start:
  pushf
  orl $0x100, (%esp)
  popf
first:
  nop
second:
  pushf
second_and:
  andl $~0x100, (%esp)
second_popf:
  popf
third:
  nop
  mov %ss, %ax
  pushf
  orl $0x100, (%esp)
  popf
movss:
  mov %ax, %ss
shadowed:
  nop
last:
  nop
${EXIT}`;

test('TF traps after each instruction it was set before: popf setting it traps one later, clearing it traps after popf, mov ss delays', () => {
  const g = buildGuest('trace', TRACE);
  const p = loadElf(g.path);
  const db = (address: number) => ({ kind: 'fault', fault: { vector: 'DB', reason: 'single-step' }, address });
  assert.deepEqual(p.cpu.run(100), db(g.symbols.get('first')!), 'no trap after the popf that set TF');
  assert.equal(p.cpu.state.eip, g.symbols.get('second'));
  assert.deepEqual(p.cpu.run(100), db(g.symbols.get('second')!));
  assert.deepEqual(p.cpu.run(100), db(g.symbols.get('second_and')!));
  assert.deepEqual(p.cpu.run(100), db(g.symbols.get('second_popf')!), 'the popf clearing TF still traps');
  assert.equal(p.cpu.state.eip, g.symbols.get('third'));
  assert.deepEqual(p.cpu.run(100), db(g.symbols.get('shadowed')!), 'no trap right after mov to ss');
  assert.deepEqual(p.cpu.run(100), db(g.symbols.get('last')!));
});

const SMC = `
.globl _start
_start:
  mov $5, %eax
  call patch
  movb $0x07, target+2
  call patch
  mov %eax, out
${writeOut(4)}${EXIT}
patch:
target:
  add $0x02, %eax
  ret
.data
out: .long 0
`;

test('a store into code already run changes what runs next (as under qemu-i386)', async () => {
  const g = buildGuest('smc', SMC, true);
  const expected = await runQemu(g.path);
  const r = runGuest(loadElf(g.path));
  assert.deepEqual(r.stdout, expected);
  assert.equal(Buffer.from(r.stdout).readUInt32LE(0), 5 + 2 + 7);
});

test('traps and faults: ud2 and an invalid opcode (#UD with bytes), div by zero (#DE), int3 (#BP), int $0x80 (kernel), hlt (#GP)', () => {
  const cases: Array<[string, (p: ReturnType<typeof loadElf>, at: number, after: number) => unknown]> = [
    ['ud2', (_p, at) => ({ kind: 'fault', fault: { vector: 'UD', bytes: [0x0f, 0x0b] }, address: at })],
    ['.byte 0x0f, 0xff', (_p, at) => ({ kind: 'fault', fault: { vector: 'UD', bytes: [0x0f, 0xff] }, address: at })],
    ['xor %ecx, %ecx\n div %ecx', (_p, at) => ({ kind: 'fault', fault: { vector: 'DE' }, address: at + 2 })],
    ['int3', (_p, at) => ({ kind: 'fault', fault: { vector: 'BP' }, address: at })],
    ['int $0x80', (_p, at) => ({ kind: 'kernel', entry: { via: 'int', vector: 0x80 }, address: at })],
    ['hlt', (_p, at) => ({ kind: 'fault', fault: { vector: 'GP', code: 0, reason: 'general protection' }, address: at })],
  ];
  cases.forEach(([code, expect], n) => {
    const g = buildGuest(`trap${n}`, `.globl _start\n_start:\n ${code}\nafter:\n nop\n`);
    const p = loadElf(g.path);
    const stop = p.cpu.run(10);
    assert.deepEqual(stop, expect(p, g.symbols.get('_start')!, g.symbols.get('after')!), code);
  });
});

test('sysenter and syscall are gated by CPU model and kernel mode; cpuid names the vendor and SEP', () => {
  const g = buildGuest('entry', '.globl _start\n_start:\n sysenter\n syscall\n cpuid\n');
  const start = g.symbols.get('_start')!;
  const expectations: Array<[string, string, boolean, boolean, string]> = [
    ['intel', 'compat64', true, false, 'GenuineIntel'],
    ['intel', 'native32', true, false, 'GenuineIntel'],
    ['amd', 'compat64', false, true, 'AuthenticAMD'],
    ['amd', 'native32', true, false, 'AuthenticAMD'],
    ['generic', 'compat64', false, false, 'VdsoLab i386'],
  ];
  for (const [model, kernel, sysenter, syscall, vendor] of expectations) {
    const label = `${model}/${kernel}`;
    const p = loadElf(g.path, model as 'intel', kernel as 'compat64');
    const s1 = p.cpu.run(1);
    assert.deepEqual(s1, sysenter ? { kind: 'kernel', entry: { via: 'sysenter' }, address: start } : { kind: 'fault', fault: { vector: 'UD', bytes: [0x0f, 0x34] }, address: start }, label);
    p.cpu.state.eip = start + 2;
    const s2 = p.cpu.run(1);
    assert.deepEqual(s2, syscall ? { kind: 'kernel', entry: { via: 'syscall' }, address: start + 2 } : { kind: 'fault', fault: { vector: 'UD', bytes: [0x0f, 0x05] }, address: start + 2 }, label);
    p.cpu.state.eip = start + 4;
    p.cpu.state.r[0] = 0;
    p.cpu.run(1);
    const r = p.cpu.state.r;
    const text = [r[3]!, r[2]!, r[1]!].map((v) => String.fromCharCode(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24)).join('');
    assert.equal(text, vendor, label);
    p.cpu.state.eip = start + 4;
    p.cpu.state.r[0] = 1;
    p.cpu.run(1);
    assert.equal((p.cpu.state.r[2]! >>> 11) & 1, model === 'generic' ? 0 : 1, `${label} SEP`);
    assert.equal(p.cpu.state.r[2]! & 1, 1, `${label} x87`);
  }
});

test('rdtscp reads the instruction count and IA32_TSC_AUX (the CPU number) into ecx', () => {
  const g = buildGuest('tscp', '.globl _start\n_start:\n nop\n movl $-1, %ecx\n rdtscp\n int $0x80\n');
  const p = loadElf(g.path);
  p.cpu.state.tscAux = 3;
  p.cpu.run(100);
  assert.deepEqual([p.cpu.state.r[0], p.cpu.state.r[2], p.cpu.state.r[1]], [2, 0, 3]);
});

test('rdtsc reads the instruction count: the same program gives the same values', () => {
  const g = buildGuest('tsc', '.globl _start\n_start:\n nop\n nop\n rdtsc\n mov %eax, %ebx\n rdtsc\n int $0x80\n');
  for (let k = 0; k < 2; k++) {
    const p = loadElf(g.path);
    p.cpu.run(100);
    assert.equal(p.cpu.state.r[3], 2);
    assert.equal(p.cpu.state.r[0], 4);
    assert.equal(p.cpu.state.r[2], 0);
  }
});

test('the debugger\'s EFLAGS view (materialised from the lazy record) equals what pushf stores', () => {
  const ops = ['add %ebx, %eax', 'sub %ebx, %eax', 'inc %eax', 'dec %ebx', 'shl $3, %eax', 'sar %cl, %ebx', 'imul %ebx', 'neg %eax', 'xor %eax, %eax', 'stc', 'rcl $1, %eax', 'bt $3, %eax', 'sbb $7, %al'];
  const body = ops.map((o, n) => ` ${o}\nat${n}:\n pushf\n popl out+${4 * n}\n`).join('');
  const g = buildGuest('lazy', `.globl _start\n_start:\n mov $0x7ffffff0, %eax\n mov $0x35, %ebx\n mov $5, %ecx\n${body}${EXIT}\n.data\nout: .fill ${4 * ops.length}\n`);
  const p = loadElf(g.path);
  ops.forEach((_, n) => p.cpu.setBreakpoint(g.symbols.get(`at${n}`)!));
  for (let n = 0; n < ops.length; n++) {
    const stop = p.cpu.run(1000);
    assert.deepEqual(stop, { kind: 'breakpoint', address: g.symbols.get(`at${n}`) });
    const view = p.cpu.state.eflags;
    p.cpu.run(2);
    assert.equal(view, p.memory.rd32(g.symbols.get('out')! + 4 * n), ops[n]);
  }
});

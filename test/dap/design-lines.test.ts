// The stub's own source in the debugger, for every shipped design (Intel, 64-bit kernel):
// a function breakpoint on __kernel_vsyscall stops with frame 0 in that design's .S at the
// line readelf's decoded line table gives for the pc, a `push %ecx` line; the caller frame
// (the program's inline `call *%gs:0x10`, built with gcc -g) is at the call site addr2line
// names for pc - 1; `next` by line walks the stub's lines to the one holding the entry
// instruction the CPU runs (sysenter, or the ALTERNATIVE line whose replacement was patched
// in; an instruction step onto the patched-in sysenter shows that ALTERNATIVE line) and
// on through the kernel model back to the program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDesign } from '../../toolchain/designs/build';
import { findDesign } from '../../toolchain/designs/registry';
import { gnuImage } from '../designs/gnu-build';
import { buildDebugC, run, scratch } from '../support/oracles';
import { launch, stack, startClient, topFrame, until } from './dap-helpers';

const SOURCE = `
static long vsyscall3(long nr, long a, long b, long c)
{
  long ret;
  __asm__ volatile ("call *%%gs:0x10" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
  return ret;
}

int main(void)
{
  long n = vsyscall3(4, 1, (long)"hi\\n", 3);
  return n == 3 ? 0 : 1;
}
`;

const dir = scratch('vdso-lab-design-lines-');
const { source, program } = buildDebugC('call', SOURCE, ['-static', '-g', '-O0', '-fno-pie', '-no-pie']);

/** readelf's decoded rows of an image: [address, line, file] sorted by address. */
function readelfRows(image: string): Array<{ address: number; line: number; file: string }> {
  const rows: Array<{ address: number; line: number; file: string }> = [];
  for (const l of run('readelf', ['--debug-dump=decodedline', image]).split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+(0x[0-9a-f]+|0)\b/.exec(l);
    if (m) rows.push({ file: m[1]!, line: Number(m[2]), address: Number(m[3]) });
  }
  return rows.sort((a, b) => a.address - b.address);
}

for (const design of ['upstream', 'proposal', 'auxv', 'legacy']) {
  test(`${design}: __kernel_vsyscall stops in its .S at the push %ecx line; next by line reaches the entry instruction`, async () => {
    const built = buildDesign(design, 'compat64', { cpu: 'intel' });
    const image = join(dir, `${design}.so`);
    writeFileSync(image, built.bytes);
    const sourcePath = join(process.cwd(), 'vdso', built.image.sources.find((s) => !s.path.endsWith('note.S') && !s.path.includes('sigreturn'))!.path);
    const text = readFileSync(sourcePath, 'utf8').split('\n');
    const rows = readelfRows(image);
    const { client } = await startClient();
    try {
      // To the program's own call (libc's start-up makes system calls before main), then into the stub.
      const asmLine = SOURCE.split('\n').findIndex((l) => l.includes('__asm__')) + 1;
      const atCall = await launch(client, { program, vdso: design, cpu: 'intel', kernel: 'compat64', stopOnEntry: false }, async () => {
        await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: asmLine }] });
      });
      assert.equal(atCall.body.reason, 'breakpoint');
      const r = await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] });
      assert.equal(r.body.breakpoints[0]!.verified, true);
      const stub = Number(r.body.breakpoints[0]!.instructionReference);
      const hit = await until(client, () => client.continueRequest({ threadId: 1 }));
      assert.equal(hit.body.reason, 'function breakpoint');
      const frames = await stack(client);
      const top = frames[0]!;
      assert.equal(Number(top.instructionPointerReference), stub);
      assert.equal(top.source?.path, sourcePath, 'frame 0 is in the design\'s .S');
      // The image's base: the stop pc less the link-time value of the function frame 0 is named after
      // (auxv: the entry the kernel pointed __kernel_vsyscall at).
      const sym = run('readelf', ['-s', '-W', image]).split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[7] === top.name)!;
      assert.ok(sym, `readelf -s has ${top.name}`);
      const base = stub - parseInt(sym[1]!, 16);
      const row = [...rows].reverse().find((r) => r.address <= stub - base)!;
      assert.equal(top.line, row.line, 'readelf\'s line for the pc');
      assert.match(text[top.line! - 1]!, /push\w*\s+%ecx|save_call_registers/, `line ${top.line}: ${text[top.line! - 1]}`);
      const caller = frames[1]!;
      const site = run('addr2line', ['-e', program, '0x' + (Number(caller.instructionPointerReference) - 1).toString(16)]).trim();
      assert.equal(`${caller.source?.path}:${caller.line}`, site.replace(/ \(discriminator \d+\)$/, ''), 'the caller frame is at the call site');
      assert.match(SOURCE.split('\n')[caller.line! - 1]!, /call \*%%gs:0x10/);

      // Line steps: through the stub's lines to the entry instruction, then back into the program.
      const seen: number[] = [top.line!];
      let entered = false;
      for (let n = 0; n < 20; n++) {
        await until(client, () => client.nextRequest({ threadId: 1 }));
        const f = (await topFrame(client));
        if (f.source?.path !== sourcePath) {
          assert.equal(f.source?.path, source, 'the last step returns to the program');
          break;
        }
        seen.push(f.line!);
        const pc = Number(f.instructionPointerReference);
        const window = await client.disassembleRequest({ memoryReference: f.instructionPointerReference!, instructionCount: 3 });
        const entry = window.body!.instructions.find((i) => /^(sysenter|syscall|int\s+\$0x80)$/.test(i.instruction.trim()));
        if (entry && /sysenter|ALTERNATIVE/.test(text[f.line! - 1]!)) {
          assert.ok(Number(entry.address) >= pc);
          entered = true;
          // Instruction steps to the patched-in entry instruction itself: it shows the ALTERNATIVE line it came from.
          for (let k = 0; k < 3 && Number((await topFrame(client)).instructionPointerReference) !== Number(entry.address); k++) {
            await until(client, () => client.stepInRequest({ threadId: 1, granularity: 'instruction' }));
          }
          const at = (await topFrame(client));
          assert.equal(Number(at.instructionPointerReference), Number(entry.address));
          assert.equal(at.line, f.line, `the entry instruction shows line ${f.line}: ${text[f.line! - 1]}`);
          if (text.some((l) => /^\s*ALTERNATIVE/.test(l))) assert.match(text[at.line! - 1]!, /^\s*ALTERNATIVE/, 'a patched site shows its ALTERNATIVE line');
        }
      }
      assert.ok(entered, `a line step stopped on the entry instruction's line (lines ${seen.join(', ')})`);
    } finally {
      await client.stop();
    }
  });
}

test('a user\'s stub given as "vdso": its .S is built with its line table, and __kernel_vsyscall stops in it', async () => {
  const stub = join(dir, 'my-stub.S');
  const text = readFileSync(resolve('vdso/upstream.S'), 'utf8');
  writeFileSync(stub, text);
  const pushLine = text.split('\n').findIndex((l) => /^\s*pushl\s+%ecx/.test(l)) + 1;
  const asmLine = SOURCE.split('\n').findIndex((l) => l.includes('__asm__')) + 1;
  const { client } = await startClient();
  try {
    await launch(client, { program, vdso: stub, cpu: 'amd', kernel: 'compat64', stopOnEntry: false }, async () => {
      await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: asmLine }] });
    });
    const r = await client.setBreakpointsRequest({ source: { path: stub }, breakpoints: [{ line: pushLine }] });
    assert.equal(r.body.breakpoints[0]!.verified, true, r.body.breakpoints[0]!.message);
    assert.equal(r.body.breakpoints[0]!.line, pushLine);
    const hit = await until(client, () => client.continueRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, 'breakpoint');
    const top = (await topFrame(client));
    assert.equal(top.source?.path, stub);
    assert.equal(top.line, pushLine);
    assert.equal(top.name, '__kernel_vsyscall');
  } finally {
    await client.stop();
  }
});

test('any vDSO .so with a line table: GNU as -g + ld\'s build of upstream.S shows its source as GNU\'s table says', async () => {
  const design = findDesign('upstream')!;
  const { image, kernel } = design.images.find((i) => i.kernel === 'compat64')!;
  const so = gnuImage(dir, 'gnu-upstream', image, design.versions);
  assert.equal(kernel, 'compat64');
  const rows = readelfRows(so);
  const upstream = resolve('vdso/upstream.S');
  const asmLine = SOURCE.split('\n').findIndex((l) => l.includes('__asm__')) + 1;
  const { client } = await startClient();
  try {
    await launch(client, { program, vdso: so, cpu: 'intel', kernel: 'compat64', stopOnEntry: false }, async () => {
      await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: asmLine }] });
    });
    const r = await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] });
    const stub = Number(r.body.breakpoints[0]!.instructionReference);
    await until(client, () => client.continueRequest({ threadId: 1 }));
    const top = (await topFrame(client));
    const sym = run('readelf', ['-s', '-W', so]).split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[7] === '__kernel_vsyscall')!;
    const link = parseInt(sym[1]!, 16);
    const row = [...rows].reverse().find((x) => x.address <= link)!;
    assert.equal(Number(top.instructionPointerReference), stub);
    assert.equal(top.source?.path, upstream);
    assert.equal(top.line, row.line);
  } finally {
    await client.stop();
  }
});

// The kernel model as source, for every shipped design on every CPU model and kernel kind
// (each runs the entry that configuration allows): a function breakpoint on
// __kernel_vsyscall stops in the design's .S at the line readelf gives (the push %ecx line
// where the stub saves ecx) with the caller at the call site addr2line names; `next` by line
// reaches the line of the entry instruction objdump finds in the mapped stub (a patched-in
// one: readelf's line for it in .altinstr_replacement); stepIn from
// the entry instruction opens the kernel document, whose first line names the entry that
// `vdso-lab run --trace` reports for the same configuration and whose lines hold the exit
// path and reason the trace gives; each `next` goes one line (phase) down; pt_regs as built
// hold the registers the stub set, and the fetch put the word at pt_regs->sp where the ABI
// says (and before the pt_regs line, the pt_regs scope has no values, only a note); stepOut lands on the landing pad (the instruction after the int $0x80 the fast entry
// is followed by, else legacy's SYSENTER_RETURN or the instruction after the entry), at
// readelf's line for it, with the caller frame still at the call site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDesign } from '../../toolchain/designs/build';
import { CPU_MODELS, KERNEL_KINDS } from '../../toolchain/designs/options';
import { combinations } from '../support/scale';
import { runCli } from '../../cli/run-cli';
import { run, scratch } from '../support/oracles';
import { buildCaller, CALLER_SOURCE, readelfRows } from './stub-caller';
import { launch, objdumpRaw, parseObjdump, readMemory, registers, stack, startClient, topFrame, until } from './dap-helpers';
import type { DebugClient } from '@vscode/debugadapter-testsupport';

const { dir, source, program } = buildCaller(CALLER_SOURCE, 'call', scratch('vdso-lab-kernel-frame-'));
const asmLine = CALLER_SOURCE.split('\n').findIndex((l) => l.includes('call *%%esi')) + 1;

const lineAt = (rows: ReadonlyArray<{ address: number; line: number }>, address: number): number => [...rows].reverse().find((r) => r.address <= address)!.line;

/**
 * `vdso-lab run --trace syscalls` of the program in this configuration: the write's entry
 * ("sysenter at 0x..."), the call with its result ("write(1, 0x..., 3) = 3") and the exit
 * ("sysretl: reason").
 */
async function traced(design: string, cpu: string, kernel: string): Promise<{ entry: string; call: string; exit: string }> {
  const io = { stdout: '', stderr: '', cwd: dir, out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  await runCli(['run', program, '--vdso', design, '--cpu', cpu, '--kernel', kernel, '--trace', 'syscalls'], io);
  const line = io.stderr.split('\n').concat(io.stdout.split('\n')).find((l) => /\] 4 write\(1, /.test(l));
  assert.ok(line, `the trace has the write:\n${io.stderr}`);
  const entry = /<((?:int \$0x80|sysenter|syscall) at 0x[0-9a-f]+)/.exec(line)![1]!;
  const exit = /; ((?:iret|sysexit|sysretl): .*?)(?: \(clobbered [^)]*\))?>$/.exec(line)![1]!;
  const call = /\] 4 (write\(.*?\) = \S+)/.exec(line)![1]!;
  return { entry, call, exit };
}

async function ptRegs(client: DebugClient): Promise<Map<string, number>> {
  const scopes = await client.scopesRequest({ frameId: 0 });
  const scope = scopes.body.scopes.find((s) => s.name === 'pt_regs')!;
  assert.ok(scope, 'the kernel frame has a pt_regs scope');
  const vars = await client.variablesRequest({ variablesReference: scope.variablesReference });
  return new Map(vars.body.variables.map((v) => [v.name, Number(v.value)]));
}

const le32 = (b: Buffer): number => b.readUInt32LE(0);

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { languages: Array<{ id: string; mimetypes?: string[] }>; grammars: Array<{ language?: string }> } };

for (const { design, cpu, kernel } of combinations({ design: ['upstream', 'proposal', 'auxv', 'legacy'], cpu: CPU_MODELS, kernel: KERNEL_KINDS })) {
  test(`${design}, ${cpu}, ${kernel}: __kernel_vsyscall's lines, stepIn into the kernel document, its phases, stepOut to the landing pad`, async () => {
    const built = buildDesign(design, kernel, { cpu });
    const image = join(dir, `${design}-${cpu}-${kernel}.so`);
    writeFileSync(image, built.bytes);
    const sourcePath = join(process.cwd(), 'vdso', built.image.sources.find((s) => !s.path.endsWith('note.S') && !s.path.includes('sigreturn'))!.path);
    const text = readFileSync(sourcePath, 'utf8').split('\n');
    const rows = readelfRows(image);
    const trace = await traced(design, cpu, kernel);
    const { client } = await startClient();
    try {
      await launch(client, { program, vdso: design, cpu, kernel, stopOnEntry: false }, async () => {
        await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: asmLine }] });
      });
      const r = await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] });
      const stub = Number(r.body.breakpoints[0]!.instructionReference);
      await until(client, () => client.continueRequest({ threadId: 1 }));
      const frames = await stack(client);
      const top = frames[0]!;
      assert.equal(top.source?.path, sourcePath);
      const sym = run('readelf', ['-s', '-W', image]).split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[7] === top.name)!;
      const base = stub - parseInt(sym[1]!, 16);
      assert.equal(top.line, lineAt(rows, stub - base), 'readelf\'s line for the stub\'s first instruction');
      const savesEcx = /push\w*\s+%ecx|save_call_registers/;
      const stubBytes = await readMemory(client, stub, 48);
      const listed = objdumpRaw(stubBytes, stub);
      const code = listed.slice(0, listed.findIndex((l) => l.text === 'ret') + 1);
      if (code.some((l) => /^push\s+%ecx$/.test(l.text))) assert.match(text[top.line! - 1]!, savesEcx, `line ${top.line}: ${text[top.line! - 1]}`);
      const site = run('addr2line', ['-e', program, '0x' + (Number(frames[1]!.instructionPointerReference) - 1).toString(16)]).trim().replace(/ \(discriminator \d+\)$/, '');
      assert.equal(`${frames[1]!.source?.path}:${frames[1]!.line}`, site, 'the caller frame is at the call site');

      // The entry instruction the CPU runs, and the landing pad it comes back to (objdump of the mapped stub).
      const e = code.findIndex((l) => /^(sysenter|syscall|int\s+\$0x80)$/.test(l.text));
      assert.ok(e >= 0, 'objdump finds an entry instruction in the stub');
      const entry = code[e]!;
      const after80 = code.findIndex((l, i) => i >= e && /^int\s+\$0x80$/.test(l.text));
      let landing = code[e + 1]!.address;
      if (after80 >= 0) landing = code[after80 + 1]!.address;
      else if (entry.text === 'sysenter') {
        const ret = run('readelf', ['-s', '-W', image]).split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[7] === 'VDSO32_SYSENTER_RETURN')!;
        landing = parseInt(ret[1]!, 16) + base;
      }
      const via = entry.text.startsWith('int') ? 'int $0x80' : entry.text;
      assert.equal(trace.entry, `${via} at 0x${entry.address.toString(16)}`, 'the CLI trace names the same entry at the same address');
      // A site the alternatives patched shows the line of the replacement it came from (readelf's row for it in .altinstr_replacement).
      const unpatched = parseObjdump(run('objdump', ['-d', '--insn-width=15', image])).find((l) => l.address === entry.address - base);
      const replacement = (): number => parseObjdump(run('objdump', ['-d', '--insn-width=15', '-j', '.altinstr_replacement', image])).find((l) => l.text === entry.text)!.address;
      const entryLine = lineAt(rows, unpatched?.text === entry.text ? entry.address - base : replacement());

      // Line steps to the entry instruction's line, then instruction steps onto it.
      for (let n = 0; n < 10 && (await topFrame(client)).line !== entryLine; n++) await until(client, () => client.nextRequest({ threadId: 1 }));
      assert.equal((await topFrame(client)).line, entryLine, `next by line reaches line ${entryLine}: ${text[entryLine - 1]}`);
      for (let n = 0; n < 4 && Number((await topFrame(client)).instructionPointerReference) !== entry.address; n++) {
        await until(client, () => client.stepInRequest({ threadId: 1, granularity: 'instruction' }));
      }
      assert.equal(Number((await topFrame(client)).instructionPointerReference), entry.address);
      const user = await registers(client);

      // stepIn: the kernel frame, its document, the user frames below it.
      await until(client, () => client.stepInRequest({ threadId: 1 }));
      const inside = await stack(client);
      const reference = inside[0]!.source?.sourceReference ?? 0;
      assert.ok(reference > 0, 'the kernel frame\'s source is a generated document');
      assert.equal(inside[0]!.line, 1);
      assert.equal(inside[1]!.source?.path, sourcePath);
      assert.equal(inside[1]!.line, entryLine, 'below the kernel frame: the stub at the entry instruction');
      assert.equal(Number(inside[1]!.instructionPointerReference), entry.address);
      assert.equal(`${inside[2]!.source?.path}:${inside[2]!.line}`, site);
      const served = (await client.sourceRequest({ sourceReference: reference })).body;
      // The MIME type by which VS Code opens it in the language package.json contributes for it.
      assert.ok(manifest.contributes.languages.some((l) => l.mimetypes?.includes(served.mimeType ?? '') && manifest.contributes.grammars.some((g) => g.language === l.id)), `${served.mimeType}: a contributed language with a grammar`);
      const doc = served.content.trimEnd().split('\n');
      assert.ok(doc[0]!.includes(trace.entry), `line 1 names the entry: ${doc[0]}`);
      assert.ok(doc.some((l) => l.includes(trace.exit)), `a line has the exit path and reason the trace gives (${trace.exit}):\n${doc.join('\n')}`);
      assert.ok(doc.some((l) => l.includes(trace.call)), `a line runs the call with its arguments and result as the trace shows them (${trace.call})`);

      // Each next goes one phase down; pt_regs as the phases left them.
      for (let k = 1; k <= doc.length; k++) {
        const f = (await topFrame(client));
        assert.equal(f.source?.sourceReference, reference);
        assert.equal(f.line, k, `phase ${k}: ${doc[k - 1]}`);
        const line = doc[k - 1]!;
        const built = doc.findIndex((l) => /pt_regs built/.test(l)) + 1;
        assert.ok(built > 1, 'the entry line comes before the pt_regs line');
        if (k < built) {
          // The entry path has not saved the user registers yet: no pt_regs values, a note naming the line that builds them.
          const scope = (await client.scopesRequest({ frameId: 0 })).body.scopes.find((s) => s.name === 'pt_regs')!;
          const rows = (await client.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
          assert.deepEqual(rows.map((v) => [v.name, v.value]), [['pt_regs', `<not built yet: the entry path builds them on line ${built}>`]], `phase ${k}: ${line}`);
          await assert.rejects(client.evaluateRequest({ expression: 'pt_regs->orig_ax', frameId: 0, context: 'watch' }), /no pt_regs: .*not built them at this line/, `phase ${k}: no pt_regs to evaluate`);
        }
        if (/pt_regs built/.test(line)) {
          const pt = await ptRegs(client);
          const orig = await client.evaluateRequest({ expression: 'pt_regs->orig_ax', frameId: 0, context: 'watch' });
          assert.equal(Number(orig.body.result), user.eax! >>> 0, 'pt_regs->orig_ax evaluates to eax as the stub set it');
          for (const [field, reg] of [['bx', 'ebx'], ['dx', 'edx'], ['si', 'esi'], ['di', 'edi'], ['orig_ax', 'eax']] as const) {
            assert.equal(pt.get(field)! >>> 0, user[reg]! >>> 0, `pt_regs->${field} is ${reg} as the stub set it`);
          }
          // SYSCALL overwrote ecx with the return address: the kernel takes arg2 from ebp (the proposal fetches it next).
          if (via !== 'syscall') assert.equal(pt.get('cx')! >>> 0, user.ecx! >>> 0, 'pt_regs->cx is ecx as the stub set it');
          else if (design !== 'proposal') assert.equal(pt.get('cx')! >>> 0, user.ebp! >>> 0, 'SYSCALL: pt_regs->cx is ebp (arg2)');
        }
        for (const m of line.matchAll(/fetched (\w+)[^=]* = (0x[0-9a-f]+) from (0x[0-9a-f]+)/g)) {
          const pt = await ptRegs(client);
          const [, field, value, from] = m;
          assert.equal(le32(await readMemory(client, Number(from), 4)), Number(value), `${m[0]}: the word in memory`);
          assert.equal(Number(from), pt.get('sp')! + (field === 'cx' ? 4 : 0), `${m[0]}: at pt_regs->sp`);
          // Legacy's SYSCALL path passed arg6 in r9 and left pt_regs->bp the user's ebp.
          const into = field === 'arg6' ? 'bp' : field!;
          assert.equal(pt.get(into)! >>> 0, design === 'legacy' && via === 'syscall' ? user.ebp! >>> 0 : Number(value), `${m[0]}: pt_regs->${into}`);
        }
        if (k < doc.length) await until(client, () => client.nextRequest({ threadId: 1 }));
      }

      // stepOut: back in user mode at the landing pad, the caller at the call site.
      await until(client, () => client.stepOutRequest({ threadId: 1 }));
      const out = await stack(client);
      assert.equal(Number(out[0]!.instructionPointerReference), landing, 'the exit returned to the landing pad');
      assert.equal(out[0]!.source?.path, sourcePath);
      assert.equal(out[0]!.line, lineAt(rows, landing - base), 'readelf\'s line for the landing pad');
      assert.equal(`${out[1]!.source?.path}:${out[1]!.line}`, site, 'the caller frame is at the call site');
    } finally {
      await client.stop();
    }
  });
}

test('stepIn by line from the start of the ALTERNATIVE line goes into the kernel at its sysenter; continue leaves the kernel frame', async () => {
  const { client } = await startClient();
  try {
    await launch(client, { program, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: false }, async () => {
      await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] });
    });
    const upstream = readFileSync(join(process.cwd(), 'vdso/upstream.S'), 'utf8').split('\n');
    const alternative = upstream.findIndex((l) => /^\s*ALTERNATIVE_2/.test(l)) + 1;
    for (let n = 0; n < 6 && (await topFrame(client)).line !== alternative; n++) await until(client, () => client.nextRequest({ threadId: 1 }));
    const start = (await topFrame(client));
    assert.equal(start.line, alternative);
    const bytes = await readMemory(client, Number(start.instructionPointerReference), 4);
    const [first, second] = objdumpRaw(bytes, Number(start.instructionPointerReference));
    assert.match(first!.text, /^mov\s+%esp,%ebp$/, 'the line starts before the entry instruction');
    assert.equal(second!.text, 'sysenter');
    await until(client, () => client.stepInRequest({ threadId: 1 }));
    const inside = await stack(client);
    assert.ok((inside[0]!.source?.sourceReference ?? 0) > 0);
    assert.equal(Number(inside[1]!.instructionPointerReference), second!.address, 'the step stopped at the sysenter and went in');
    const regs = await registers(client, 1);
    assert.equal(regs.ebp, regs.esp, 'the user registers are as the movl left them');
    // Inside the kernel frame: expressions see the user's registers at the entry instruction; registers cannot be set.
    const eax = await client.evaluateRequest({ expression: '$eax', frameId: 0, context: 'watch' });
    assert.equal(Number(eax.body.result), 4, 'eax holds write\'s number at the entry');
    const scopes = await client.scopesRequest({ frameId: 0 });
    const user = scopes.body.scopes.find((x) => /User registers/.test(x.name))!;
    await assert.rejects(client.setVariableRequest({ variablesReference: user.variablesReference, name: 'eax', value: '5' }), /step out to user mode/);
    // Step Back goes one phase up, and from the first phase back to user mode before the entry instruction.
    await until(client, () => client.nextRequest({ threadId: 1 }));
    assert.equal((await topFrame(client)).line, 2);
    await until(client, () => client.stepBackRequest({ threadId: 1 }));
    assert.equal((await topFrame(client)).line, 1);
    await until(client, () => client.stepBackRequest({ threadId: 1 }));
    const back = (await topFrame(client));
    assert.equal(Number(back.instructionPointerReference), second!.address, 'back before the sysenter');
    assert.equal(back.line, alternative);
    assert.equal((await registers(client)).eax, 4);
    await until(client, () => client.stepInRequest({ threadId: 1 }));
    assert.ok(((await topFrame(client)).source?.sourceReference ?? 0) > 0, 'stepIn enters the kernel again');
    // exit_group goes through __kernel_vsyscall too: continue stops there, in user mode.
    const again = await until(client, () => client.continueRequest({ threadId: 1 }));
    assert.equal(again.body.reason, 'function breakpoint');
    const top = (await topFrame(client));
    assert.equal(top.source?.path, join(process.cwd(), 'vdso/upstream.S'));
    assert.equal(top.name, '__kernel_vsyscall');
  } finally {
    await client.stop();
  }
});

test('a blocking call (nanosleep) stepped into: every phase, the call finished, stepOut at the landing pad', async () => {
  const exe = buildCaller(CALLER_SOURCE.replace('long n = vsyscall3(sysinfo, 4, 1, (long)"hi\\n", 3);', 'long ts[2] = { 0, 2000000 };\n  long n = vsyscall3(sysinfo, 162, (long)ts, 0, 0) + 3;'), 'sleeper', dir).program;
  const { client } = await startClient();
  try {
    await launch(client, { program: exe, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: false }, async () => {
      await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] });
    });
    const stub = Number((await topFrame(client)).instructionPointerReference);
    const code = objdumpRaw(await readMemory(client, stub, 32), stub);
    const entry = code.find((l) => l.text === 'sysenter')!;
    const landing = code[code.findIndex((l) => /^int\s+\$0x80$/.test(l.text)) + 1]!.address;
    for (let n = 0; n < 8 && Number((await topFrame(client)).instructionPointerReference) !== entry.address; n++) {
      await until(client, () => client.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    }
    await until(client, () => client.stepInRequest({ threadId: 1 }));
    const reference = (await topFrame(client)).source?.sourceReference ?? 0;
    assert.ok(reference > 0);
    const doc = (await client.sourceRequest({ sourceReference: reference })).body.content;
    assert.match(doc, /sys_nanosleep: nanosleep\(0x[0-9a-f]+, 0x0\) = 0\n/);
    assert.match(doc, /SYSRETL to 0x[0-9a-f]+ /);
    await until(client, () => client.stepOutRequest({ threadId: 1 }));
    assert.equal(Number((await topFrame(client)).instructionPointerReference), landing, 'the step out stops at the landing pad, not past it');
  } finally {
    await client.stop();
  }
});

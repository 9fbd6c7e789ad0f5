// The launch behind the editor's "Debug" lens (emulator/debug/launch-schema.ts
// stubLaunchConfiguration) is a real one: the shipped caller program with a stub .S written
// here as its vDSO stops at a function breakpoint on the stub function, at the stub's first
// instruction, in the stub's own file; continuing, the caller's line comes out on stdout
// and the program exits 0. The same stub (and vdso/upstream.S) given as the program, as F5 on
// its file gives it, runs the same way: a breakpoint on a line of it is hit there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LAUNCH_ATTRIBUTES, stubCallerProgram, stubLaunchConfiguration } from '../../emulator/debug/launch-schema';
import { scratch } from '../support/oracles';
import { launch, outputMatching, stack, startClient } from './dap-helpers';

const STUB = `#include "vdso-lab.h"
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	pushl	%ebp
	CFI_ADJUST_CFA_OFFSET	4
	ALTERNATIVE "", "movl %esp, %ebp; sysenter", X86_FEATURE_SEP
	int	$0x80
VDSO_INNER_LABEL(int80_landing_pad)
	popl	%ebp
	CFI_ADJUST_CFA_OFFSET	-4
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
`;

test('the Debug lens\'s launch: the caller program with the stub as its vDSO stops in the stub function, then runs to its end', async () => {
  const path = join(scratch('vdso-lab-stub-debug-'), 'mystub.S');
  writeFileSync(path, STUB);
  const { client, output } = await startClient();
  try {
    const config = stubLaunchConfiguration(path, '__kernel_vsyscall', { cpu: 'intel', kernel: 'native32' });
    for (const key of Object.keys(config)) assert.ok(['type', 'request', 'name'].includes(key) || key in LAUNCH_ATTRIBUTES, `${key} is a launch attribute of the schema`);
    const stopped = await launch(client, { ...config }, async () => {
      await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] });
    });
    assert.ok(stopped, 'a stop');
    assert.equal(stopped.body.reason, 'function breakpoint');
    const frames: DebugProtocol.StackFrame[] = await stack(client);
    assert.match(frames[0]!.name, /__kernel_vsyscall/);
    assert.equal(frames[0]!.source?.path, path);
    assert.equal(frames[0]!.line, STUB.split('\n').findIndex((l) => l.includes('pushl\t%ebp')) + 1);
    assert.ok(frames.some((f) => /_start/.test(f.name) && /call-vsyscall\.S$/.test(f.source?.path ?? '')), `the caller's frame: ${frames.map((f) => f.name).join(' | ')}`);
    const from = output.length;
    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    const exited = client.waitForEvent('exited', 30_000) as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId: stopped.body.threadId ?? 1 });
    await outputMatching(client, output, from, /call-vsyscall: __kernel_vsyscall came back/);
    assert.equal((await exited).body.exitCode, 0);
  } finally {
    await client.stop();
  }
});

test('a stub\'s .S given as the program (F5 on it): it runs as the vDSO under the caller; a breakpoint on a line of it is hit there', async () => {
  const dir = scratch('vdso-lab-stub-program-');
  const path = join(dir, 'mystub.S');
  writeFileSync(path, STUB);
  const upstream = resolve('vdso/upstream.S');
  const cases = [
    { path, line: STUB.split('\n').findIndex((l) => l.includes('pushl\t%ebp')) + 1 },
    { path: upstream, line: readFileSync(upstream, 'utf8').split('\n').findIndex((l) => /^\s*pushl\s+%ecx/.test(l)) + 1 },
  ];
  const caller = readFileSync(stubCallerProgram(), 'utf8').split('\n');
  const callLine = caller.findIndex((l) => /^\s*call\s+\*/.test(l)) + 1;
  assert.ok(callLine > 0, 'the caller calls through AT_SYSINFO');
  for (const c of cases) {
    const { client, output } = await startClient();
    try {
      const stopped = await launch(client, { program: c.path, cpu: 'intel', kernel: 'compat64', stopOnEntry: false }, async () => {
        const set = await client.setBreakpointsRequest({ source: { path: c.path }, breakpoints: [{ line: c.line }] });
        assert.equal(set.body.breakpoints[0]!.verified, true, `the breakpoint on ${c.path}:${c.line} is verified`);
      });
      assert.equal(stopped.body.reason, 'breakpoint');
      const frames = await stack(client);
      assert.equal(frames[0]!.source?.path, c.path);
      assert.equal(frames[0]!.line, c.line);
      assert.match(frames[0]!.name, /^__kernel_vsyscall/);
      assert.equal(frames[1]!.source?.path, stubCallerProgram());
      assert.equal(frames[1]!.line, callLine, 'the caller\'s frame is at its call through AT_SYSINFO');
      assert.ok(output.some((e) => e.body.output.includes(`${c.path} is a vDSO stub`) && e.body.output.includes('entry ABI upstream')), 'the console says the stub runs as the vDSO');
      const from = output.length;
      await client.setBreakpointsRequest({ source: { path: c.path }, breakpoints: [] });
      const exited = client.waitForEvent('exited', 30_000) as Promise<DebugProtocol.ExitedEvent>;
      await client.continueRequest({ threadId: 1 });
      await outputMatching(client, output, from, /call-vsyscall: __kernel_vsyscall came back/);
      assert.equal((await exited).body.exitCode, 0);
    } finally {
      await client.stop();
    }
  }
});

test('a design\'s own .S as the program runs with that design\'s ABI (F5 on vdso/proposal.S works as the proposal kernel expects); a legacy image the CPU would not boot is named', async () => {
  for (const [file, abi] of [['vdso/proposal.S', 'proposal'], ['vdso/legacy/sysenter.S', 'legacy'], ['vdso/auxv.S', 'auxv']] as const) {
    const { client, output } = await startClient();
    try {
      const exited = client.waitForEvent('exited', 30_000) as Promise<DebugProtocol.ExitedEvent>;
      const initialized = client.waitForEvent('initialized');
      const launched = client.launch({ program: resolve(file), cpu: 'intel', kernel: 'compat64', stopOnEntry: false });
      await initialized;
      await client.configurationDoneRequest();
      await launched;
      await outputMatching(client, output, 0, /call-vsyscall: __kernel_vsyscall came back/);
      assert.equal((await exited).body.exitCode, 0, file);
      assert.ok(output.some((e) => e.body.output.includes(`entry ABI ${abi} `)), `${file}: the console names the ${abi} ABI`);
      assert.ok(!output.some((e) => e.body.output.includes('kernel boots its')), `${file}: intel/compat64 boots this image`);
    } finally {
      await client.stop();
    }
  }
  // One legacy image on a CPU whose kernel boots another: the console says which.
  const { client, output } = await startClient();
  try {
    await launch(client, { program: resolve('vdso/legacy/sysenter.S'), cpu: 'amd', kernel: 'compat64', stopOnEntry: true });
    assert.ok(output.some((e) => /legacy\/sysenter\.S is the legacy design's sysenter image; on amd\/compat64 that kernel boots its syscall image \(vdso\/legacy\/syscall\.S\), not this one/.test(e.body.output)),
      output.map((e) => e.body.output).join(''));
  } finally {
    await client.stop();
  }
});

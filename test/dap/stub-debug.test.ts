// The launch behind the editor's "Debug" lens (emulator/debug/launch-schema.ts
// stubLaunchConfiguration) is a real one: the shipped caller program with a stub .S written
// here as its vDSO stops at a function breakpoint on the stub function, at the stub's first
// instruction, in the stub's own file; continuing, the caller's line comes out on stdout
// and the program exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LAUNCH_ATTRIBUTES, stubLaunchConfiguration } from '../../emulator/debug/launch-schema';
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

// A program whose FDE for the function the debugger stops in holds an instruction byte no DWARF
// version defines (0x1b): the launch goes ahead (an FDE's instructions are decoded when the
// unwinder first steps through it, toolchain/dwarf/unwind-image.ts), and the call stack shows
// the stopped frame, then why unwinding stopped, naming the file and the FDE's place, instead
// of failing the whole stackTrace request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildC, run, scratch } from '../support/oracles';
import { launch, stack, startClient, until } from './dap-helpers';

const SOURCE = 'int target(int x) { return x + 1; }\nvoid _start(void) { int r = target(2); __asm__ volatile ("int $0x80" : : "a"(1), "b"(r - 3)); for (;;); }\n';

test('an FDE with an undefined instruction byte: the stopped frame, then "unwinding stopped: bad CFI" naming the file', async () => {
  const dir = scratch('vdso-lab-bad-cfi-');
  const program = buildC('prog', SOURCE, ['-static', '-nostdlib', '-O0', '-fno-pie', '-no-pie', '-fno-stack-protector'], dir);
  const target = /^\s*\d+:\s+([0-9a-f]{8})\s+\d+\s+FUNC\s+GLOBAL\s+DEFAULT\s+\d+\s+target$/m.exec(run('readelf', ['-sW', program]));
  assert.ok(target, 'readelf lists target');
  const address = parseInt(target[1]!, 16);
  // readelf's frames: the CIE's augmentation (zR: an FDE's instructions start 17 bytes in) and the FDE covering target.
  const frames = run('readelf', ['--debug-dump=frames', program]);
  assert.match(frames, /CIE\n\s+Version:\s+1\n\s+Augmentation:\s+"zR"/);
  const fde = [...frames.matchAll(/^([0-9a-f]{8}) [0-9a-f]+ [0-9a-f]+ FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.([0-9a-f]+)$/gm)]
    .find((m) => parseInt(m[2]!, 16) <= address && address < parseInt(m[3]!, 16));
  assert.ok(fde, 'readelf lists an FDE covering target');
  const section = /\]\s+\.eh_frame\s+PROGBITS\s+[0-9a-f]{8}\s+([0-9a-f]{6,8})\s/.exec(run('readelf', ['-SW', program]));
  assert.ok(section, 'readelf lists .eh_frame');
  const bytes = readFileSync(program);
  bytes[parseInt(section[1]!, 16) + parseInt(fde[1]!, 16) + 17] = 0x1b;
  writeFileSync(program, bytes);

  const { client } = await startClient();
  try {
    await launch(client, { program, stopOnEntry: true });
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'target' }] });
    await until(client, () => client.continueRequest({ threadId: 1 }));
    const [top, ...rest] = await stack(client);
    assert.equal(Number(top!.instructionPointerReference), address);
    assert.equal(top!.name, 'target');
    assert.equal(rest.length, 1, JSON.stringify(rest));
    assert.match(rest[0]!.name, new RegExp(`^unwinding stopped: bad CFI for pc 0x${address.toString(16)}: .*prog\\b.*\\.eh_frame`));
  } finally {
    await client.stop();
  }
});

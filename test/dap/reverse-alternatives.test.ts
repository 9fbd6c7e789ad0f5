// Stepping back by line through code the alternatives patcher rewrote agrees with stepping
// forward, for every shipped design on every CPU model and kernel kind: `next` by line from
// __kernel_vsyscall's first instruction to its ret stops at the lines readelf's decoded rows
// give for the path the CPU takes (objdump of the mapped stub, across the entry instruction
// to the landing pad), a patched site taking the line of the .altinstr_replacement row of
// the replacement the patcher chose (found by its bytes in the mapped stub, objdump of that
// section); then Step Back by line from the ret line retraces exactly the reversed sequence,
// at the same addresses (from the landing pad to the start of the patched line, not past it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDesign } from '../../toolchain/designs/build';
import { CPU_MODELS, KERNEL_KINDS } from '../../toolchain/designs/options';
import { combinations } from '../support/scale';
import { run, scratch } from '../support/oracles';
import { buildCaller, readelfRows } from './stub-caller';
import { launch, objdumpRaw, parseObjdump, readMemory, startClient, topFrame, until, type ObjdumpLine } from './dap-helpers';

const { program } = buildCaller();
const dir = scratch('vdso-lab-reverse-alternatives-images-');

interface Stop { readonly pc: number; readonly line: number }

for (const { design, cpu, kernel } of combinations({ design: ['upstream', 'proposal', 'auxv', 'legacy'], cpu: CPU_MODELS, kernel: KERNEL_KINDS })) {
  test(`${design}, ${cpu}, ${kernel}: next by line through the stub stops at readelf's lines (a patched site at its replacement's), Step Back by line retraces them`, async () => {
    const built = buildDesign(design, kernel, { cpu });
    const image = join(dir, `${design}-${cpu}-${kernel}.so`);
    writeFileSync(image, built.bytes);
    const rows = readelfRows(image);
    const symbols = run('readelf', ['-s', '-W', image]).split('\n').map((l) => l.trim().split(/\s+/));
    const { client } = await startClient();
    try {
      await launch(client, { program, vdso: design, cpu, kernel, stopOnEntry: false }, async () => {
        await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] });
      });
      await client.setFunctionBreakpointsRequest({ breakpoints: [] });
      const top = (await topFrame(client));
      const stub = Number(top.instructionPointerReference);
      const base = stub - parseInt(symbols.find((f) => f[7] === top.name)![1]!, 16);
      const code = objdumpRaw(await readMemory(client, stub, 96), stub);
      const fileCode = parseObjdump(run('objdump', ['-d', '--insn-width=15', image]));
      const replacements = run('readelf', ['-S', '-W', image]).includes('.altinstr_replacement') ? parseObjdump(run('objdump', ['-d', '--insn-width=15', '-j', '.altinstr_replacement', image])) : [];

      // The patched site: where the mapped bytes differ from the image's, and the replacement run that holds them.
      const mapped = new Map<number, ObjdumpLine>(code.map((l) => [l.address - base, l]));
      const unpatched = new Map<number, ObjdumpLine>(fileCode.map((l) => [l.address, l]));
      const changed = code.find((l) => unpatched.get(l.address - base)?.bytes !== l.bytes && l.text !== 'ret');
      let site: { start: number; end: number; from: number } | undefined;
      if (changed && replacements.length) {
        const start = changed.address - base;
        const runLength = (i: number): number => {
          let n = 0, at = start;
          while (replacements[i + n] && mapped.get(at)?.bytes === replacements[i + n]!.bytes && replacements[i + n]!.address === replacements[i]!.address + at - start) {
            at += replacements[i + n]!.bytes.split(' ').length;
            n++;
          }
          return at - start;
        };
        const lengths = replacements.map((_, i) => runLength(i));
        const best = Math.max(...lengths);
        if (best > 0) {
          const from = replacements[lengths.indexOf(best)]!.address;
          assert.equal(new Set(replacements.filter((_, i) => lengths[i] === best).map((r) => rows.filter((x) => x.address <= r.address).pop()!.line)).size, 1, 'one replacement line holds the patched bytes');
          site = { start, end: start + best, from };
        }
      }
      if (design === 'upstream' && cpu !== 'generic') assert.ok(site, 'the patcher rewrote the upstream site on a CPU with a fast entry');

      /** readelf's row for a file address, a patched site's taken from its replacement: [line, row start here]. */
      const rowOf = (f: number): { line: number; stmt: boolean; starts: boolean } => {
        const inSite = site && f >= site.start && f < site.end;
        const a = inSite ? site!.from + f - site!.start : f;
        const r = rows.filter((x) => x.address <= a).pop()!;
        return { line: r.line, stmt: r.stmt, starts: r.address === a || (inSite === true && f === site!.start) };
      };

      // The path the CPU takes: from the stub to the entry instruction, then from the landing pad to the ret.
      const path: number[] = [];
      const at = (addr: number): number => code.findIndex((l) => l.address === addr);
      let i = 0;
      for (let guard = 0; guard < 64 && code[i]!.text !== 'ret'; guard++) {
        const l = code[i]!;
        path.push(l.address);
        if (/^(sysenter|syscall|int\s+\$0x80)$/.test(l.text)) {
          const after80 = code.findIndex((x, k) => k >= i && /^int\s+\$0x80$/.test(x.text));
          let landing = code[i + 1]!.address;
          if (after80 >= 0) landing = code[after80 + 1]!.address;
          else if (l.text === 'sysenter') landing = parseInt(symbols.find((f) => f[7] === 'VDSO32_SYSENTER_RETURN')![1]!, 16) + base;
          i = at(landing);
        } else if (/^jmp\s+[0-9a-f]+$/.test(l.text)) i = at(parseInt(l.text.split(/\s+/)[1]!, 16));
        else {
          assert.doesNotMatch(l.text, /^j|^call|^loop/, `a straight path: ${l.text}`);
          i++;
        }
        assert.ok(i >= 0 && i < code.length, 'the path stays in the mapped stub');
      }
      path.push(code[i]!.address);

      // gdb's next: a stop where a statement row of another line starts; passing into another line's row elsewhere makes it the current one.
      const expected: Stop[] = [{ pc: stub, line: rowOf(stub - base).line }];
      let current = expected[0]!.line;
      for (const pc of path.slice(1)) {
        const r = rowOf(pc - base);
        if (r.line === current) continue;
        if (r.starts && r.stmt) expected.push({ pc, line: r.line });
        current = r.line;
      }

      const forward: Stop[] = [{ pc: stub, line: top.line! }];
      while (forward.length < expected.length) {
        await until(client, () => client.nextRequest({ threadId: 1 }));
        const f = (await topFrame(client));
        forward.push({ pc: Number(f.instructionPointerReference), line: f.line! });
        if (f.name.replace(/\+0x[0-9a-f]+$/, '') !== top.name) break;
      }
      assert.deepEqual(forward, expected, `next by line through ${top.name}`);
      if (site) assert.ok(expected.some((s) => s.pc === site!.start + base), 'the patched site\'s start is a stop');

      // From the ret line, Step Back by line one line at a time.
      for (let k = expected.length - 2; k >= 0; k--) {
        await until(client, () => client.stepBackRequest({ threadId: 1 }));
        const f = (await topFrame(client));
        assert.deepEqual({ pc: Number(f.instructionPointerReference), line: f.line }, expected[k], `step back ${expected.length - 1 - k}`);
      }
    } finally {
      await client.stop();
    }
  });
}

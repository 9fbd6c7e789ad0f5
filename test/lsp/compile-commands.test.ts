// A .S in a kernel-style tree with the compile_commands.json `make compile_commands.json`
// writes (build-settings.ts): the entry's -I, -D, -include and -imacros options are the document's, as
// gcc takes them: the forced linux/kconfig.h brings generated/autoconf.h's CONFIG_ options,
// which pick asm/linkage.h's RET (`ret; int3` under CONFIG_SLS), and a -D value is an
// immediate. The instructions the server shows on those lines have the bytes objdump gives
// of the object the entry's own command builds; no include is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';

const FILES: Readonly<Record<string, string>> = {
  'include/linux/kconfig.h': '#ifndef __LINUX_KCONFIG_H\n#define __LINUX_KCONFIG_H\n#include <generated/autoconf.h>\n#endif\n',
  'include/generated/autoconf.h': '#define CONFIG_SLS 1\n#define CONFIG_X86_64 1\n',
  // Read with -imacros: its macros hold, its statement is dropped (gcc -E gives no line of it).
  'include/generated/vdso-offsets.h': '#define STUB_SHIFT 3\n\t.long 0xdeadbeef\n',
  'arch/x86/include/asm/linkage.h': '#ifdef CONFIG_SLS\n#define RET\tret; int3\n#else\n#define RET\tret\n#endif\n',
};

const STUB = `#include <asm/linkage.h>
	.text
	.globl	get_value
	.type	get_value, @function
get_value:
	movl	$STUB_VALUE, %eax
	shll	$STUB_SHIFT, %eax
	RET
	.size	get_value, .-get_value
`;

const SOURCE = 'arch/x86/entry/vdso/vdso32/stub.S';
const COMMAND = `gcc -nostdinc -I./arch/x86/include -I./include -include ./include/linux/kconfig.h -imacros include/generated/vdso-offsets.h -D__ASSEMBLY__ -DSTUB_VALUE=7 -m32 -c -o ${SOURCE.replace(/\.S$/, '.o')} ${SOURCE}`;

/** objdump's instructions of the object: address and bytes as it prints them. */
function objdumpBytes(object: string): Array<{ address: number; bytes: string }> {
  const out: Array<{ address: number; bytes: string }> = [];
  for (const m of run('objdump', ['-d', object]).matchAll(/^\s+([0-9a-f]+):\t([0-9a-f ]+?)\s*\t/gm)) out.push({ address: parseInt(m[1]!, 16), bytes: m[2]! });
  return out;
}

test('compile_commands.json: -I, -D, -include (linux/kconfig.h) and -imacros as gcc takes them; the shown bytes are those the entry\'s command builds', async () => {
  const tree = scratch('vdso-lab-lsp-kbuild-');
  for (const [path, text] of Object.entries({ ...FILES, [SOURCE]: STUB })) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  writeFileSync(join(tree, 'compile_commands.json'), JSON.stringify([{ command: COMMAND, directory: tree, file: join(tree, SOURCE) }]));
  const built = spawnSync('sh', ['-c', COMMAND], { cwd: tree, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const insns = objdumpBytes(join(tree, SOURCE.replace(/\.S$/, '.o')));
  assert.deepEqual(insns.map((i) => i.bytes), ['b8 07 00 00 00', 'c1 e0 03', 'c3', 'cc'], 'the oracle built RET as ret; int3, STUB_VALUE as 7, STUB_SHIFT as 3 and no .long');

  const lsp = startLsp();
  try {
    const uri = await lsp.open(join(tree, SOURCE), STUB);
    assert.deepEqual(lsp.diagnostics(uri).map((d) => d.message), []);
    const lines = STUB.split('\n');
    const hoverOn = async (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      const h = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf(needle) + 1 } });
      return h?.contents.value ?? '';
    };
    const movl = await hoverOn('movl');
    assert.ok(movl.includes(`\`${insns[0]!.bytes}\``), movl);
    const shll = await hoverOn('shll');
    assert.ok(shll.includes(`.text+0x${insns[1]!.address.toString(16)}, 3 bytes: \`${insns[1]!.bytes}\``), shll);
    const ret = await hoverOn('RET');
    for (const i of insns.slice(2)) assert.ok(ret.includes(`.text+0x${i.address.toString(16)}, 1 byte: \`${i.bytes}\``), ret);
  } finally {
    await lsp.close();
  }
});

test('vdsoLab.imacros: the files are read for their macros before the document, as gcc -imacros; the shown bytes are those gcc builds', async () => {
  const dir = scratch('vdso-lab-lsp-imacros-');
  const config = join(dir, 'autoconf.h');
  writeFileSync(config, '#define CONFIG_HZ 250\n\t.long 0xdeadbeef\n');
  const source = '\t.text\n\tmovl\t$CONFIG_HZ, %eax\n\tret\n';
  writeFileSync(join(dir, 'hz.S'), source);
  const built = spawnSync('gcc', ['-m32', '-imacros', config, '-c', '-o', 'hz.o', 'hz.S'], { cwd: dir, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const insns = objdumpBytes(join(dir, 'hz.o'));
  assert.deepEqual(insns.map((i) => i.bytes), ['b8 fa 00 00 00', 'c3'], 'the oracle took CONFIG_HZ and dropped the .long');

  const lsp = startLsp({ imacros: [config] });
  try {
    const uri = await lsp.open(join(dir, 'hz.S'), source);
    assert.deepEqual(lsp.diagnostics(uri).map((d) => d.message), []);
    const h = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
    assert.ok(h?.contents.value.includes(`.text+0x0, 5 bytes: \`${insns[0]!.bytes}\``), h?.contents.value);
  } finally {
    await lsp.close();
  }
});

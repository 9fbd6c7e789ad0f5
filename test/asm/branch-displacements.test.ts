// Checks relaxed branches against as --32: a branch to a label of its own section has its
// displacement written when its frag is converted, with no fixup (finish.ts, branchResolved),
// so every kind of target it must tell apart is here beside it: local, global and weak labels,
// labels of another section and undefined names, short and long forms, 16-bit code, a branch
// inside .altinstructions, and targets far enough away that the branch grows.
import { test } from 'node:test';
import { compareWithGas } from './gas-compare';

test('relaxed branches write the bytes and relocations as --32 does', async () => {
  const far = Array.from({ length: 40 }, () => '\tmovl $0x12345678, %eax').join('\n');
  await compareWithGas('branch-displacements', [
    '\t.text',
    '\t.globl g',
    '\t.weak w',
    'start:',
    '\tjmp .Lnear',
    '\tjz .Lnear',
    '\tjmp g',
    '\tjnz g',
    '\tjmp w',
    '\tje w',
    '\tjmp other',
    '\tjne other',
    '\tjmp undef',
    '\tjl undef',
    '\tjmp .Lfar',
    '\tjg .Lfar',
    '.Lnear:\tnop',
    'g:\tnop',
    'w:\tnop',
    '1:\tjmp 1b',
    '\tjmp 2f',
    '2:\tjnz 1b',
    far,
    '.Lfar:\tjmp start',
    '\tjc start',
    '\t.code16',
    '16:\tjmp 16b',
    '\tjz .Lfar16',
    far,
    '.Lfar16:\tjmp 16b',
    '\t.code32',
    '\t.section .data',
    'other:\t.long 0',
    '\t.section .altinstructions, "a"',
    '3:\tjmp 3b',
    '\tjmp 4f',
    '4:\tnop',
    '',
  ].join('\n'));
});

// Checks `.print` against as --32: the texts on standard output in order, byte for byte (escapes,
// UTF-8, a macro's and a .rept's copies, none from a false .if), and GNU as's messages for a
// missing string and junk after one (the text is still written then).
import { test } from 'node:test';
import { compareWithGas } from './gas-compare';

test('.print writes its text to standard output as as --32 does', async () => {
  await compareWithGas('print-texts', [
    '\t.print "hello"',
    '\t.print "tab\\there, newline\\n, octal \\101\\102, hex \\x43"',
    '\t.print "caf\u00e9"',
    '\t.macro say what',
    '\t.print "\\what"',
    '\t.endm',
    '\tsay one',
    '\tsay two',
    '\t.rept 2',
    '\t.print "again"',
    '\t.endr',
    '\t.if 0',
    '\t.print "never"',
    '\t.endif',
    '\t.print ""',
    '\tnop',
    '',
  ].join('\n'));
});

test('.print with junk after its string, or with no string, gets GNU as\'s messages', async () => {
  await compareWithGas('print-junk', ['\t.print "x", "y"', '\t.print "a" junk', '\tnop', '\t.print foo', ''].join('\n'));
});

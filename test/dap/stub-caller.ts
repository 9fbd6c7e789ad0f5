// Owns the test program that calls __kernel_vsyscall with no C library (whose start-up would
// make system calls through the stub before main), built with gcc -m32 -g,
// and readelf's decoded line rows of an image: what the kernel-frame and reverse-alternatives
// tests derive their expected lines from.
import { buildDebugC, run, scratch } from '../support/oracles';

export const CALLER_SOURCE = `
static long vsyscall3(void *entry, long nr, long a, long b, long c)
{
  long ret;
  __asm__ volatile ("call *%%esi" : "=a"(ret) : "S"(entry), "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
  return ret;
}

void cstart(long *sp)
{
  long *p = sp + sp[0] + 2;
  void *sysinfo = 0;
  while (*p) p++;
  for (p++; p[0]; p += 2) if (p[0] == 32) sysinfo = (void *)p[1];
  long n = vsyscall3(sysinfo, 4, 1, (long)"hi\\n", 3);
  vsyscall3(sysinfo, 1, n == 3 ? 0 : 1, 0, 0);
}

__asm__(".globl _start\\n_start:\\n\\tpushl %esp\\n\\tcall cstart\\n\\thlt\\n");
`;

export interface CallerProgram {
  /** The caller's folder for its other files; the source and the program are in a fixed folder (builds.ts). */
  readonly dir: string;
  readonly source: string;
  readonly program: string;
}

/** `text` (the caller source, or a variant of it) compiled as `name` (buildDebugC: built once per machine), with `dir` for the caller's other files (a new scratch folder by default). */
export function buildCaller(text = CALLER_SOURCE, name = 'call', dir = scratch('vdso-lab-stub-caller-')): CallerProgram {
  const { source, program } = buildDebugC(name, text, ['-static', '-nostdlib', '-g', '-O0', '-fno-pie', '-no-pie', '-fno-stack-protector']);
  return { dir, source, program };
}

export interface LineRow { readonly address: number; readonly line: number; readonly stmt: boolean }

/** readelf's decoded rows of an image, by address (a row is a statement unless readelf's Stmt column says otherwise). */
export function readelfRows(image: string): LineRow[] {
  const rows: LineRow[] = [];
  let stmtColumn = false;
  for (const l of run('readelf', ['--debug-dump=decodedline', image]).split('\n')) {
    if (/\bStmt\b/.test(l)) stmtColumn = true;
    const m = /^(\S+)\s+(\d+)\s+(0x[0-9a-f]+|0)\b(.*)$/.exec(l);
    if (m) rows.push({ line: Number(m[2]), address: Number(m[3]), stmt: !stmtColumn || /\bx\s*$/.test(m[4]!) });
  }
  return rows.sort((a, b) => a.address - b.address);
}

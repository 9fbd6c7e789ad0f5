// Owns the test harness that runs the capture program's machine code under qemu-i386
// with an aux vector the test chooses (qemu 7.2 gives i386 guests no AT_SYSINFO_EHDR):
// a gcc -m32 -static program maps a vDSO image file, builds an initial stack (argc,
// argv, envp, auxv) by the i386 ABI, points %esp at it and jumps to the code.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildC, scratch } from '../support/oracles';
import { captureExecutable } from '../../toolchain/capture/capture-program';

const HARNESS_C = String.raw`
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint8_t *load(const char *path, size_t *size) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) exit(90);
  uint8_t *p = mmap(0, st.st_size + 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) exit(91);
  size_t done = 0;
  while (done < (size_t)st.st_size) {
    ssize_t n = read(fd, p + done, st.st_size - done);
    if (n <= 0) exit(92);
    done += n;
  }
  *size = done;
  return p;
}

/* argv: PROGRAM (an ELF from writeExec: code at offset 84) IMAGE MODE
   MODE: ok (AT_SYSINFO_EHDR = the image), none (no AT_SYSINFO_EHDR), zero (it is 0),
   endless (envp never ends). */
int main(int argc, char **argv) {
  if (argc != 4) return 93;
  size_t program_size, image_size;
  uint8_t *program = load(argv[1], &program_size);
  uint8_t *image = load(argv[2], &image_size);
  uint8_t *code = memcmp(program, "\x7f" "ELF", 4) == 0 ? program + 84 : program;
  size_t words = 0x180000;
  uint32_t *stack = mmap(0, words * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (stack == MAP_FAILED) return 94;
  uint32_t *sp = stack, i = 0;
  const char *mode = argv[3];
  sp[i++] = 1;
  sp[i++] = (uint32_t)"capture-vdso32";
  sp[i++] = 0;
  if (strcmp(mode, "endless") == 0) {
    while (i < words) sp[i++] = (uint32_t)"A=1";
  } else {
    sp[i++] = (uint32_t)"A=1";
    sp[i++] = (uint32_t)"B=2";
    sp[i++] = 0;
    sp[i++] = 6;  sp[i++] = 4096;  /* AT_PAGESZ */
    sp[i++] = 16; sp[i++] = 0;     /* AT_HWCAP */
    if (strcmp(mode, "ok") == 0) { sp[i++] = 33; sp[i++] = (uint32_t)image; }
    if (strcmp(mode, "zero") == 0) { sp[i++] = 33; sp[i++] = 0; }
    sp[i++] = 25; sp[i++] = (uint32_t)stack; /* AT_RANDOM */
    sp[i++] = 0;  sp[i++] = 0;     /* AT_NULL */
  }
  __asm__ volatile("mov %0, %%esp\n\tjmp *%1" : : "r"(sp), "r"(code) : "memory");
  return 95;
}
`;

export interface Harness {
  readonly dir: string;
  /** The gcc -m32 -static harness. */
  readonly harness: string;
  /** The capture program written by captureExecutable(). */
  readonly program: string;
}

let built: Harness | undefined;

/** Builds the harness and writes the capture program once per test process. */
export function harness(): Harness {
  if (built) return built;
  const dir = scratch('vdso-lab-capture-');
  const exe = buildC('harness', HARNESS_C, ['-static', '-O1'], dir);
  const program = join(dir, 'capture-vdso32');
  writeFileSync(program, captureExecutable(), { mode: 0o755 });
  built = { dir, harness: exe, program };
  return built;
}

export interface Outcome {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs the capture program under qemu-i386 through the harness with `image` and `mode`. */
export function runUnderHarness(image: string, mode: 'ok' | 'none' | 'zero' | 'endless', options: { closeStdout?: boolean } = {}): Outcome {
  const h = harness();
  const r = options.closeStdout
    ? spawnSync('sh', ['-c', 'exec qemu-i386 "$0" "$1" "$2" "$3" 1>&-', h.harness, h.program, image, mode], { maxBuffer: 4 << 20 })
    : spawnSync('qemu-i386', [h.harness, h.program, image, mode], { maxBuffer: 4 << 20 });
  if (r.error) throw new Error(`oracle 'qemu-i386' could not run (${r.error.message}): .ci/run must install qemu-user`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString() };
}

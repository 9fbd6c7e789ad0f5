/* The call-heavy benchmark guest (bench/call-heavy.ts builds it with gcc -m32 -O2 -static):
 * recursion, a switch-based bytecode interpreter, and string and memory loops, each over
 * fixed inputs. It prints one line per part and a checksum of all of them, so that the
 * emulator's final state can be compared with qemu-i386's. argv[1] scales the work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static unsigned ackermann(unsigned m, unsigned n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

enum { PUSH, ADD, SUB, MUL, XOR, DUP, SWAP, DROP, JNZ, DEC, HALT, ROT, LOAD, STORE };

/* A stack machine: sums a polynomial over a counter, with loads and stores to a small memory. */
static unsigned interpret(const unsigned char *code, unsigned counter) {
  unsigned stack[64], memory[16] = {0};
  int sp = 0, pc = 0;
  stack[sp++] = counter;
  for (;;) {
    switch (code[pc++]) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case SWAP: { unsigned t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
    case DROP: sp--; break;
    case ROT: stack[sp - 1] = (stack[sp - 1] << 7) | (stack[sp - 1] >> 25); break;
    case LOAD: stack[sp - 1] = memory[stack[sp - 1] & 15]; break;
    case STORE: sp -= 2; memory[stack[sp + 1] & 15] += stack[sp]; break;
    case DEC: stack[sp - 1]--; break;
    case JNZ: { int target = code[pc++]; if (stack[sp - 1]) pc = target; break; }
    case HALT: { unsigned h = 0; for (int i = 0; i < 16; i++) h = h * 31 + memory[i]; return h ^ stack[sp - 1]; }
    }
  }
}

static const unsigned char PROGRAM[] = {
  /* 0: the counter c on the stack */
  DUP, DUP, MUL, PUSH, 3, ADD, ROT, PUSH, 5, STORE, /* memory[5] += rot(c*c+3) */
  DUP, PUSH, 7, XOR, PUSH, 9, STORE,                /* memory[9] += c^7 */
  DUP, PUSH, 11, SWAP, LOAD, STORE,                 /* memory[memory[c&15]&15] += 11 */
  DUP, PUSH, 1, SUB, DROP,
  DEC, JNZ, 0, HALT,
};

static unsigned strings(unsigned rounds) {
  char buf[256], out[512];
  unsigned h = 2166136261u;
  for (unsigned r = 0; r < rounds; r++) {
    int n = snprintf(buf, sizeof buf, "round %u of %u: the quick brown fox %x", r, rounds, r * 2654435761u);
    memcpy(out, buf, n + 1);
    strcat(out, " / ");
    strncat(out, buf, 40);
    size_t len = strlen(out);
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)out[i]) * 16777619u;
    const char *fox = strstr(out, "fox");
    h += fox ? (unsigned)(fox - out) : 0;
    int c = strcmp(buf, out); /* only the sign is defined */
    h ^= c < 0 ? 1u : c > 0 ? 2u : 0u;
  }
  return h;
}

static unsigned memory(unsigned rounds) {
  static unsigned char a[8192], b[8192];
  unsigned h = 0;
  for (unsigned i = 0; i < sizeof a; i++) a[i] = (unsigned char)(i * 7 + 3);
  for (unsigned r = 0; r < rounds; r++) {
    memmove(a + 1 + (r & 63), a, 4096);
    memcpy(b, a + (r & 255), 4096);
    memset(b + (r & 1023), (int)r, 512);
    int c = memcmp(a, b, 4096);
    h = h * 33 + (c < 0 ? 1u : c > 0 ? 2u : 0u) + b[r & 4095];
  }
  return h;
}

static int compare(const void *x, const void *y) {
  unsigned a = *(const unsigned *)x, b = *(const unsigned *)y;
  return a < b ? -1 : a > b;
}

static unsigned sorting(unsigned rounds) {
  static unsigned v[2048];
  unsigned h = 0, seed = 12345;
  for (unsigned r = 0; r < rounds; r++) {
    for (unsigned i = 0; i < 2048; i++) v[i] = seed = seed * 1103515245u + 12345u;
    qsort(v, 2048, sizeof v[0], compare);
    h = h * 31 + v[r & 2047];
  }
  return h;
}

int main(int argc, char **argv) {
  unsigned scale = argc > 1 ? (unsigned)atoi(argv[1]) : 1;
  unsigned f = 0, a = 0, in = 0;
  for (unsigned k = 0; k < scale; k++) {
    f += fib(24 + (k & 1));
    a += ackermann(2, 200 + k % 7);
    in ^= interpret(PROGRAM, 20000 + k);
  }
  unsigned s = strings(2000 * scale), m = memory(400 * scale), q = sorting(scale);
  printf("fib %u\nackermann %u\ninterpreter %08x\nstrings %08x\nmemory %08x\nsort %08x\n", f, a, in, s, m, q);
  printf("checksum %08x\n", f ^ a ^ in ^ s ^ m ^ q);
  return 0;
}

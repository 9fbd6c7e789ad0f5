// The C program of the LDT acceptance test: modify_ldt writes an entry (old and new
// layouts), reads the table and the default LDT back, loads the entry into %fs and reads
// through it, then clears it.
export const LDT_PROGRAM = String.raw`
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <asm/ldt.h>
#include <sys/syscall.h>
static char buf[64] = "hello through the LDT";
static void dump(const char *what, const unsigned char *b, int n) {
  printf("%s:", what);
  for (int i = 0; i < n; i++) printf(" %02x", b[i]);
  printf("\n");
}
int main(void) {
  struct user_desc d;
  memset(&d, 0, sizeof d);
  d.entry_number = 2;
  d.base_addr = (unsigned long)buf;
  d.limit = 0xfffff;
  d.seg_32bit = 1;
  d.limit_in_pages = 1;
  d.useable = 1;
  printf("write (new layout): %ld\n", syscall(SYS_modify_ldt, 0x11, &d, sizeof d));
  d.entry_number = 0;
  d.base_addr = (unsigned long)buf + 6;
  printf("write (old layout): %ld\n", syscall(SYS_modify_ldt, 1, &d, sizeof d));
  printf("bad size: %ld\n", syscall(SYS_modify_ldt, 1, &d, 8));
  unsigned char table[40];
  memset(table, 0xaa, sizeof table);
  long n = syscall(SYS_modify_ldt, 0, table, sizeof table);
  printf("read: %ld\n", n);
  /* The bases are addresses: print the descriptors without them. */
  for (int i = 0; i < 5; i++) { table[8 * i + 2] = table[8 * i + 3] = table[8 * i + 4] = table[8 * i + 7] = 0; }
  dump("table", table, 40);
  unsigned short sel = (2 << 3) | 4 | 3, got;
  char c;
  unsigned word;
  __asm__ volatile("movw %2, %%fs\n movb %%fs:6, %0\n movl %%fs:0, %1" : "=q"(c), "=r"(word) : "r"(sel));
  __asm__ volatile("movw %%fs, %0" : "=r"(got));
  printf("fs %#x: byte 6 '%c', word %#x\n", got, c, word);
  sel = (0 << 3) | 4 | 3;
  __asm__ volatile("movw %1, %%fs\n movb %%fs:0, %0" : "=q"(c) : "r"(sel));
  printf("entry 0: '%c'\n", c);
  memset(&d, 0, sizeof d);
  d.entry_number = 0;
  d.read_exec_only = 1;
  d.seg_not_present = 1;
  printf("clear: %ld\n", syscall(SYS_modify_ldt, 0x11, &d, sizeof d));
  memset(table, 0xaa, sizeof table);
  printf("read again: %ld\n", syscall(SYS_modify_ldt, 0, table, 16));
  for (int i = 0; i < 2; i++) { table[8 * i + 2] = table[8 * i + 3] = table[8 * i + 4] = table[8 * i + 7] = 0; }
  dump("table", table, 16);
  printf("contents 3, present: %ld\n", (d.entry_number = 1, d.contents = 3, d.seg_not_present = 0, d.read_exec_only = 0,
    syscall(SYS_modify_ldt, 0x11, &d, sizeof d)));
  printf("func 7: %ld\n", syscall(SYS_modify_ldt, 7, table, 16));
  return 0;
}
`;

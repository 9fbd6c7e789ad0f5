// Issue 11, item 1b: the coarse clocks (CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE) hold the
// time of the last tick, the same from the system call and from the vvar page the vDSO reads,
// so a program that reads vDSO, system call, vDSO never sees time go backwards; time() agrees.
// The program runs with the real Debian vDSO (its __vdso_clock_gettime64 reads the coarse
// clocks from the vvar data) and under qemu-i386 (no vDSO: the host kernel answers every
// read); the outputs must be equal. The tick itself (4 ms, or --hz) is checked from what the
// guest saw: clock_getres, every value on the tick grid, and how often the clock moved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { program, runLab, runQemu } from './support';
import { realVdso } from '../support/real-vdso';

const SOURCE = `#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static void burn(void) {
  for (volatile int k = 0; k < 4000; k++) {}
}

int main(int argc, char **argv) {
  const clockid_t ids[2] = { CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE };
  const char *names[2] = { "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE" };
  int grain = argc > 1 && !strcmp(argv[1], "grain");
  for (int c = 0; c < 2; c++) {
    int backwards = 0, moved = 0, offgrid = 0;
    struct timespec res;
    clock_getres(ids[c], &res);
    long long first = -1, prev = -1;
    for (int i = 0; i < 600; i++) {
      struct timespec a, b, d;
      clock_gettime(ids[c], &a);
      syscall(SYS_clock_gettime, ids[c], &b);
      clock_gettime(ids[c], &d);
      if (ns(b) < ns(a) || ns(d) < ns(b)) backwards++;
      if (prev >= 0 && ns(a) != prev) moved++;
      if (ns(d) != ns(a)) moved++;
      if (ns(b) % (res.tv_nsec ? res.tv_nsec : 1) != 0) offgrid++;
      if (first < 0) first = ns(a);
      prev = ns(d);
      burn();
    }
    printf("%s: vDSO, system call, vDSO: %d times backwards\\n", names[c], backwards);
    if (grain) printf("%s: resolution %ld ns, moved %d times in %lld ns, %d values off the tick grid\\n", names[c], res.tv_nsec, moved, prev - first, offgrid);
  }
  time_t t1 = time(0);
  struct timespec rc;
  syscall(SYS_clock_gettime, CLOCK_REALTIME_COARSE, &rc);
  time_t t2 = time(0);
  printf("time(): %s\\n", t1 <= rc.tv_sec && rc.tv_sec <= t2 ? "between" : "out of order");
  return 0;
}
`;

for (const cpu of ['amd', 'intel']) {
  test(`coarse clocks on ${cpu}: vDSO and system call agree (never backwards), as under qemu-i386`, async () => {
    const prog = program('coarse', SOURCE);
    const q = runQemu(prog);
    assert.equal(q.status, 0, q.stderr);
    assert.match(q.stdout, /CLOCK_MONOTONIC_COARSE: vDSO, system call, vDSO: 0 times backwards/);
    const r = await runLab(prog, ['--vdso', realVdso().path, '--cpu', cpu]);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, q.stdout);
    assert.equal(r.status, q.status);
  });
}

test('the tick is 4 ms by default and follows --hz; every coarse value is on the tick grid', async () => {
  const prog = program('coarse', SOURCE);
  for (const [options, tick] of [[[], 4_000_000], [['--hz', '1000'], 1_000_000]] as const) {
    const r = await runLab(prog, ['--vdso', realVdso().path, ...options], ['grain']);
    assert.equal(r.status, 0, r.stderr);
    for (const clock of ['CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE']) {
      const m = new RegExp(`^${clock}: resolution (\\d+) ns, moved (\\d+) times in (\\d+) ns, (\\d+) values off the tick grid$`, 'm').exec(r.stdout);
      assert.ok(m, r.stdout);
      const [resolution, moved, span, offGrid] = m.slice(1).map(Number) as [number, number, number, number];
      assert.equal(resolution, tick, `${clock} ${options.join(' ')}`);
      assert.equal(offGrid, 0);
      assert.ok(moved >= 2, `${clock} moved ${moved} times`);
      assert.equal(span, moved * tick, 'the clock moved one tick at a time');
    }
    assert.match(r.stdout, /^time\(\): between$/m);
  }
  const bad = await runLab(prog, ['--hz', '123']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--hz must be one of 100, 250, 300, 1000/);
});

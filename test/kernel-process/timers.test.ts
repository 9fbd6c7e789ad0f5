// Timers and sleeping against qemu-i386: setitimer/getitimer, a nanosleep interrupted by a
// SIGALRM handler (EINTR with the remaining time), periodic timers waking pause,
// select/pselect6 with a timeout, clock_nanosleep with TIMER_ABSTIME, alarm's remaining
// seconds. Values that depend on real time are printed as ranges by the program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatic, runLab, runQemu } from './support';

const TIMERS = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include <sys/select.h>
static volatile int hits;
static void on_alarm(int s) { (void)s; hits++; }
int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, 0);
  struct itimerval it = { { 0, 0 }, { 0, 50000 } }, cur;
  printf("setitimer: %d\n", setitimer(ITIMER_REAL, &it, 0));
  getitimer(ITIMER_REAL, &cur);
  printf("getitimer in range: %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 50000);
  struct timespec d = { 5, 0 }, rem = { 0, 0 };
  int r = nanosleep(&d, &rem);
  int e = errno;
  printf("nanosleep: %d %s rem in [4,5]: %d hits %d\n", r, strerrorname_np(e), rem.tv_sec >= 4 && rem.tv_sec <= 5, hits);
  struct timeval tv = { 0, 20000 };
  printf("select timeout: %d\n", select(0, 0, 0, 0, &tv));
  struct timespec ts = { 0, 20000000 };
  fd_set w;
  FD_ZERO(&w);
  FD_SET(1, &w);
  printf("pselect stdout writable: %d %d\n", pselect(2, 0, &w, 0, &ts, 0), FD_ISSET(1, &w) != 0);
  struct itimerval periodic = { { 0, 10000 }, { 0, 10000 } };
  setitimer(ITIMER_REAL, &periodic, 0);
  for (int i = 0; i < 3; i++) {
    r = pause();
    e = errno;
  }
  struct itimerval off = { { 0, 0 }, { 0, 0 } };
  setitimer(ITIMER_REAL, &off, &cur);
  printf("pause x3: %d %s hits %d interval kept %ld\n", r, strerrorname_np(e), hits, (long)cur.it_interval.tv_usec);
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  t.tv_nsec += 2000000;
  if (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }
  printf("clock_nanosleep abs: %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, 0));
  struct timespec after;
  clock_gettime(CLOCK_MONOTONIC, &after);
  printf("woke after the deadline: %d\n", after.tv_sec > t.tv_sec || (after.tv_sec == t.tv_sec && after.tv_nsec >= t.tv_nsec));
  alarm(10);
  unsigned left = alarm(0);
  printf("alarm remaining: %d\n", left == 10 || left == 9);
  struct timespec bad = { 0, 1000000000 };
  r = nanosleep(&bad, 0);
  e = errno;
  printf("bad nanosleep: %d %s\n", r, strerrorname_np(e));
  return 0;
}
`;

test('itimers, interrupted sleeps, pause, select and clock_nanosleep: the same as under qemu-i386', async () => {
  const prog = buildStatic('timers', TIMERS);
  const q = runQemu(prog);
  const l = await runLab(prog);
  assert.equal(l.stderr, '');
  assert.equal(l.stdout, q.stdout);
  assert.equal(l.status, q.status);
  assert.match(l.stdout, /nanosleep: -1 EINTR rem in \[4,5\]: 1 hits 1\n/);
  assert.match(l.stdout, /pause x3: -1 EINTR hits 4 interval kept 10000\n/);
});

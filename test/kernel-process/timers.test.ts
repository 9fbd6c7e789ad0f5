// Timers and sleeping against qemu-i386: setitimer/getitimer, a nanosleep interrupted by a
// SIGALRM handler (EINTR with the remaining time), periodic timers waking pause,
// select/pselect6 with a timeout, clock_nanosleep with TIMER_ABSTIME, alarm's remaining
// seconds. qemu-i386 runs on real time, and a loaded host may deschedule it for longer than
// a timer's period: the program prints only what holds however late it runs (ranges, and
// facts checked where they happen: each pause returned after a handler ran, the handler ran
// no more often than the time elapsed allows), and retries the interrupted nanosleep when the
// timer fired before the sleep began; the emulator, on virtual time, never needs the retry.
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
  struct itimerval it = { { 0, 0 }, { 10, 0 } }, cur;
  printf("setitimer: %d\n", setitimer(ITIMER_REAL, &it, 0));
  getitimer(ITIMER_REAL, &cur);
  long long left_us = cur.it_value.tv_sec * 1000000LL + cur.it_value.tv_usec;
  printf("getitimer in range: %d\n", cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0 && left_us > 0 && left_us <= 10000000);
  struct itimerval brief = { { 0, 0 }, { 0, 50000 } };
  struct timespec d = { 5, 0 }, rem = { 0, 0 };
  int r, e, tries = 0, before;
  do {
    before = hits;
    setitimer(ITIMER_REAL, &brief, 0);
    r = nanosleep(&d, &rem);
    e = errno;
  } while (r == 0 && ++tries < 5);
  printf("nanosleep: %d %s rem in [4,5]: %d hits %d\n", r, strerrorname_np(e), rem.tv_sec >= 4 && rem.tv_sec <= 5, hits - before);
  struct timeval tv = { 0, 20000 };
  printf("select timeout: %d\n", select(0, 0, 0, 0, &tv));
  struct timespec ts = { 0, 20000000 };
  fd_set w;
  FD_ZERO(&w);
  FD_SET(1, &w);
  printf("pselect stdout writable: %d %d\n", pselect(2, 0, &w, 0, &ts, 0), FD_ISSET(1, &w) != 0);
  struct itimerval periodic = { { 0, 10000 }, { 0, 10000 } };
  struct timespec start, end;
  int each = 1;
  before = hits;
  clock_gettime(CLOCK_MONOTONIC, &start);
  setitimer(ITIMER_REAL, &periodic, 0);
  for (int i = 0; i < 3; i++) {
    int h = hits;
    r = pause();
    e = errno;
    each &= r == -1 && e == EINTR && hits > h;
  }
  struct itimerval off = { { 0, 0 }, { 0, 0 } };
  setitimer(ITIMER_REAL, &off, &cur);
  clock_gettime(CLOCK_MONOTONIC, &end);
  int during = hits - before;
  long long elapsed_us = (end.tv_sec - start.tv_sec) * 1000000LL + (end.tv_nsec - start.tv_nsec) / 1000;
  printf("pause x3: %d %s, each after a handler: %d, hits %s, no more than the periods elapsed: %d, interval kept %ld\n", r, strerrorname_np(e), each,
         during == 3 ? "3" : during > 3 ? "more than 3" : "fewer than 3", during <= elapsed_us / 10000 + 1, (long)cur.it_interval.tv_usec);
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

/** The line of the pauses with the count of hits, which only the emulator's virtual time makes exact (a loaded host may deliver more to qemu between pauses). */
const PAUSES = /pause x3: -1 EINTR, each after a handler: 1, hits (3|more than 3), no more than the periods elapsed: 1, interval kept 10000\n/;

test('itimers, interrupted sleeps, pause, select and clock_nanosleep: the same as under qemu-i386', async () => {
  const prog = buildStatic('timers', TIMERS);
  const q = runQemu(prog);
  const l = await runLab(prog);
  assert.equal(l.stderr, '');
  assert.match(q.stdout, PAUSES);
  assert.equal(l.stdout.replace(PAUSES, ''), q.stdout.replace(PAUSES, ''));
  assert.equal(l.status, q.status);
  assert.match(l.stdout, /nanosleep: -1 EINTR rem in \[4,5\]: 1 hits 1\n/);
  assert.match(l.stdout, /pause x3: -1 EINTR, each after a handler: 1, hits 3, no more than the periods elapsed: 1, interval kept 10000\n/);
});

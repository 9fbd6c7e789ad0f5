/*
 * The quick runner's spawner (scripts/quick-spawn.cjs starts it; scripts/test-quick.mjs builds
 * it): runs the test processes' plain spawnSync calls from a process of a few hundred KB, whose
 * fork costs a fraction of a node process's (docs/speed-and-exactness.md, "Spawns from a C
 * process"). Requests come on stdin, answers go on stdout, each a frame of little-endian
 * fields:
 *   request: u32 argc, argc strings (the file to run, then argv from argv[0]), u32 envc, envc
 *            strings ("KEY=VALUE"), the folder, u32 stdio modes (bit k: fd k ignored, else a
 *            pipe), i32 stdin length (-1: none) and its bytes, u32 timeout ms (0: none), u32 kill
 *            signal, f64 max buffer (0: none); a string is u32 length and its bytes.
 *   answer:  i32 pid, i32 exit status (-1: none), i32 signal (0: none), i32 error (0, or a
 *            positive errno: the start failed, or ETIMEDOUT, ENOBUFS or the input's EPIPE as
 *            node gives them),
 *            then stdout's and stderr's bytes as strings (length -1: ignored).
 * The child starts as libuv starts one: in the folder, with the environment given (PATH looked
 * up in it), default signal dispositions and an empty signal mask; a start that fails reports
 * the errno of its chdir or exec. The spawner ends at the end of its stdin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void die(void) { _exit(3); }

static void readAll(void *to, size_t n) {
  char *p = to;
  while (n > 0) {
    ssize_t r = read(0, p, n);
    if (r == 0) exit(0);
    if (r < 0) { if (errno == EINTR) continue; die(); }
    p += r; n -= (size_t)r;
  }
}

static void writeAll(int fd, const void *from, size_t n) {
  const char *p = from;
  while (n > 0) {
    ssize_t r = write(fd, p, n);
    if (r < 0) { if (errno == EINTR) continue; die(); }
    p += r; n -= (size_t)r;
  }
}

static uint32_t u32(void) { uint32_t v; readAll(&v, 4); return v; }

static char *string(uint32_t *length) {
  uint32_t n = u32();
  char *s = malloc(n + 1);
  if (!s) die();
  readAll(s, n);
  s[n] = 0;
  if (length) *length = n;
  return s;
}

static char **strings(uint32_t *count) {
  uint32_t n = u32();
  char **v = calloc(n + 1, sizeof *v);
  if (!v) die();
  for (uint32_t k = 0; k < n; k++) v[k] = string(NULL);
  if (count) *count = n;
  return v;
}

struct buffer { char *bytes; size_t length, size; };

static void append(struct buffer *b, const char *from, size_t n) {
  if (b->length + n > b->size) {
    b->size = (b->length + n) * 2;
    b->bytes = realloc(b->bytes, b->size);
    if (!b->bytes) die();
  }
  memcpy(b->bytes + b->length, from, n);
  b->length += n;
}

static long long nowMs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/**
 * Starts `file` (PATH looked up in `env`, as libuv does) with `argv` and `env` in `cwd` on the
 * descriptors `fds`, with signals 1-31 at their default disposition (libuv resets those) and an
 * empty mask, through vfork (no copy of this process's pages); its pid, or the errno of a start
 * that failed, negated. (posix_spawn would leave glibc's internal signals 32 and 33 ignored in
 * the program it starts.)
 */
static pid_t start(const char *file, char **argv, char **env, const char *cwd, int fds[3]) {
  // The vfork child shares this process's memory: its PATH lookup reads `environ`, and it
  // leaves the errno of a failed start here.
  static volatile int failed;
  failed = 0;
  char **own = environ;
  environ = env;
  pid_t pid = vfork();
  if (pid == 0) {
    for (int k = 0; k < 3; k++) if (dup2(fds[k], k) < 0) goto fail;
    if (chdir(cwd) < 0) goto fail;
    struct sigaction byDefault;
    memset(&byDefault, 0, sizeof byDefault);
    byDefault.sa_handler = SIG_DFL;
    for (int s = 1; s < 32; s++) if (s != SIGKILL && s != SIGSTOP) sigaction(s, &byDefault, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(file, argv);
  fail:
    failed = errno;
    _exit(127);
  }
  environ = own;
  if (pid < 0) die();
  if (failed) {
    waitpid(pid, NULL, 0);
    return -failed;
  }
  return pid;
}

static void answer(int32_t pid, int32_t status, int32_t sig, int32_t error, struct buffer *out, int outIgnored, struct buffer *err, int errIgnored) {
  int32_t head[4] = { pid, status, sig, error };
  writeAll(1, head, sizeof head);
  int32_t n = outIgnored ? -1 : (int32_t)out->length;
  writeAll(1, &n, 4);
  if (n > 0) writeAll(1, out->bytes, out->length);
  n = errIgnored ? -1 : (int32_t)err->length;
  writeAll(1, &n, 4);
  if (n > 0) writeAll(1, err->bytes, err->length);
}

static void serveOne(void) {
  char **argv = strings(NULL);
  char **env = strings(NULL);
  char *cwd = string(NULL);
  uint32_t ignored = u32();
  int32_t inputLength;
  readAll(&inputLength, 4);
  char *input = NULL;
  if (inputLength > 0) { input = malloc((size_t)inputLength); if (!input) die(); readAll(input, (size_t)inputLength); }
  uint32_t timeout = u32();
  uint32_t killSignal = u32();
  double maxBuffer;
  readAll(&maxBuffer, 8);
  const char *file = argv[0];
  // argv[0] as the child sees it follows the file in the frame.
  char **childArgv = argv + 1;

  int parentEnd[3] = { -1, -1, -1 }, childEnd[3] = { -1, -1, -1 };
  for (int k = 0; k < 3; k++) {
    if (ignored & (1u << k)) {
      childEnd[k] = open("/dev/null", (k == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
      continue;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) die();
    parentEnd[k] = k == 0 ? p[1] : p[0];
    childEnd[k] = k == 0 ? p[0] : p[1];
  }
  pid_t pid = start(file, childArgv, env, cwd, childEnd);
  for (int k = 0; k < 3; k++) close(childEnd[k]);
  struct buffer out = { 0 }, err = { 0 };
  int32_t error = 0;
  if (pid < 0) {
    // The start failed: no output, no status (libuv's spawn error).
    for (int k = 0; k < 3; k++) if (parentEnd[k] >= 0) close(parentEnd[k]);
    answer(0, -1, 0, -pid, &out, 1, &err, 1);
    goto done;
  }
  size_t written = 0;
  if (parentEnd[0] >= 0) {
    fcntl(parentEnd[0], F_SETFL, O_NONBLOCK);
    if (inputLength <= 0) { close(parentEnd[0]); parentEnd[0] = -1; }
  }
  long long deadline = timeout ? nowMs() + timeout : 0;
  int killed = 0;
  char chunk[65536];
  while (parentEnd[0] >= 0 || parentEnd[1] >= 0 || parentEnd[2] >= 0) {
    struct pollfd fds[3];
    int n = 0, which[3];
    for (int k = 0; k < 3; k++) {
      if (parentEnd[k] < 0) continue;
      fds[n].fd = parentEnd[k];
      fds[n].events = k == 0 ? POLLOUT : POLLIN;
      which[n++] = k;
    }
    int wait = -1;
    if (deadline && !killed) { long long left = deadline - nowMs(); wait = left < 0 ? 0 : (int)left; }
    int ready = poll(fds, (nfds_t)n, wait);
    if (ready < 0) { if (errno == EINTR) continue; die(); }
    if (ready == 0) {
      // As node: the child killed and its pipes closed, so that a process it started which
      // holds them (a shell's background job) cannot keep the call waiting.
      kill(pid, (int)killSignal);
      killed = 1;
      error = ETIMEDOUT;
      for (int j = 0; j < 3; j++) if (parentEnd[j] >= 0) { close(parentEnd[j]); parentEnd[j] = -1; }
      continue;
    }
    for (int i = 0; i < n; i++) {
      int k = which[i];
      if (!fds[i].revents) continue;
      if (k == 0) {
        ssize_t w = write(parentEnd[0], input + written, (size_t)inputLength - written);
        if (w > 0) written += (size_t)w;
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
          // As node: input the child did not take is an error (EPIPE) beside its status.
          if (!error) error = errno;
          close(parentEnd[0]);
          parentEnd[0] = -1;
        } else if (written == (size_t)inputLength) {
          close(parentEnd[0]);
          parentEnd[0] = -1;
        }
        continue;
      }
      ssize_t r = read(parentEnd[k], chunk, sizeof chunk);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r <= 0) { close(parentEnd[k]); parentEnd[k] = -1; continue; }
      struct buffer *b = k == 1 ? &out : &err;
      append(b, chunk, (size_t)r);
      if (maxBuffer > 0 && (double)b->length > maxBuffer && !killed) {
        // As node: the child killed and its pipes read no further.
        kill(pid, (int)killSignal);
        killed = 1;
        error = ENOBUFS;
        for (int j = 0; j < 3; j++) if (parentEnd[j] >= 0) { close(parentEnd[j]); parentEnd[j] = -1; }
        break;
      }
    }
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) die();
  answer(pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0, error, &out, (ignored & 2) != 0, &err, (ignored & 4) != 0);
  free(out.bytes);
  free(err.bytes);
done:
  free(input);
  free(cwd);
  for (char **p = argv; *p; p++) free(*p);
  for (char **p = env; *p; p++) free(*p);
  free(argv);
  free(env);
}

int main(void) {
  // A child gone before its input was written must not end the spawner (the child starts with
  // the default disposition again).
  signal(SIGPIPE, SIG_IGN);
  for (;;) serveOne();
}

/*
 * --sync-fd: the command is a launcher (berth-core in detached mode). It
 * writes newline-terminated JSON messages ({"type":"ready","pid":N},
 * {"type":"error",...}) on its fd N, which is a pipe of the shim's; each
 * line is copied unchanged to the caller's fd N. The "ready" line names the
 * container's process: the shim adopts it (DIR/pid is rewritten before the
 * line is passed on, so a caller that has read it can use the state
 * directory). The launcher then exits and the container process, its
 * orphan, is re-parented to the shim, the subreaper.
 *
 * The kernel does not order these events for us: the shim may reap the
 * launcher, and even the container process (one that exits at once), before
 * it reads the "ready" line. So the launcher's status is kept, and so is
 * that of every other child reaped before "ready", in a small table that
 * the "ready" pid is looked up in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"

#define EARLY_MAX 8

struct reaped {
  pid_t pid;
  int status;
  struct timespec mono, real;
};

static int relay_fd = -1, caller_fd = -1;
static pid_t launcher;
static int launcher_done;
static struct reaped launcher_exit;
static struct reaped early[EARLY_MAX];
static unsigned n_early;
/* core's longest message (an error naming a long path) fits. */
static char line[16384];
static size_t len;

void relay_init(int read_fd, int caller, pid_t launcher_pid) {
  relay_fd = read_fd;
  caller_fd = caller;
  launcher = launcher_pid;
}

int relay_poll_fd(void) { return relay_fd; }

static void forward(const char *data, size_t n) {
  /* The caller may be gone (berthd SIGKILLed): EPIPE, nothing more. */
  if (caller_fd >= 0 && write_all(caller_fd, data, n) < 0 && errno != EPIPE) warn_err(errno, "relay to the caller");
}

static void adopt(pid_t pid) {
  shim.ready = 1;
  shim.pid = pid;
  if (write_pid_file(pid) < 0) warn_err(0, "cannot rewrite pid with the container's pid %d", (int)pid);
  for (unsigned i = 0; i < n_early && i < EARLY_MAX; i++)
    if (early[i].pid == pid) record_exit(pid, early[i].status, &early[i].mono, &early[i].real);
  n_early = 0;
}

static void handle_line(const char *l, size_t n) {
  static const char ready[] = "\"type\":\"ready\"", pid_key[] = "\"pid\":";
  if (!shim.ready && memmem(l, n, ready, sizeof ready - 1)) {
    const char *p = memmem(l, n, pid_key, sizeof pid_key - 1);
    long pid = p ? strtol(p + sizeof pid_key - 1, NULL, 10) : 0;
    if (pid > 0)
      adopt((pid_t)pid);
    else
      warn_err(0, "a ready message without a pid: %.*s", (int)n, l);
  }
  forward(l, n);
}

static void relay_close(void) {
  close(relay_fd);
  relay_fd = -1;
  if (len > 0) forward(line, len); /* an unterminated last line, as it came */
  len = 0;
}

/* One read; 0 when nothing more is there for now (EAGAIN) or ever (EOF). */
static int relay_once(void) {
  ssize_t n = read(relay_fd, line + len, sizeof line - len);
  if (n < 0 && errno == EINTR) return 1;
  if (n < 0 && errno == EAGAIN) return 0;
  if (n <= 0) {
    if (n < 0) warn_err(errno, "read the launcher's messages");
    relay_close();
    return 0;
  }
  len += (size_t)n;
  size_t start = 0;
  char *nl;
  while ((nl = memchr(line + start, '\n', len - start))) {
    size_t end = (size_t)(nl - line) + 1;
    handle_line(line + start, end - start);
    start = end;
  }
  if (start == 0 && len == sizeof line) {
    forward(line, len); /* not a message of ours: pass it on, unparsed */
    len = 0;
  } else if (start > 0) {
    memmove(line, line + start, len - start);
    len -= start;
  }
  return 1;
}

void relay_read(void) { (void)relay_once(); }

void relay_reaped(pid_t pid, int status, const struct timespec *mono, const struct timespec *real) {
  struct reaped r = {.pid = pid, .status = status, .mono = *mono, .real = *real};
  if (launcher > 0 && pid == launcher && !launcher_done) {
    launcher_done = 1;
    launcher_exit = r;
  } else if (launcher > 0 && !shim.ready) {
    early[n_early++ % EARLY_MAX] = r;
  }
}

void relay_settle(void) {
  if (!launcher_done || caller_fd < 0) return;
  /* "ready" may still wait in the pipe after the launcher is reaped; only
   * EOF says it will not come. The container process keeps the pipe open
   * until its exec, but writes nothing on it after "ready". */
  if (!shim.ready && relay_fd >= 0) return;
  while (relay_fd >= 0 && relay_once()) {
  }
  if (relay_fd >= 0) relay_close();
  close(caller_fd);
  caller_fd = -1;
  if (!shim.ready && !shim.exited) {
    shim.launch_failed = 1;
    record_exit(launcher, launcher_exit.status, &launcher_exit.mono, &launcher_exit.real);
  }
}

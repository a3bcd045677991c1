/*
 * Errors, whole writes, atomic small files and timestamps.
 *
 * Until start-up completes, the shim's stderr is still the caller's and a
 * fatal error is reported there and to the waiting parent (an exit code on
 * the ready pipe). Afterwards stderr is DIR/shim.log and nothing is fatal:
 * the container must not lose its shim over a full disk or a bad client.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

static int ready_fd = -1;

void set_ready_fd(int fd) { ready_fd = fd; }

static void vwarn(int err, const char *fmt, va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (err)
    fprintf(stderr, "berth-shim: %s: %s\n", msg, strerror(err));
  else
    fprintf(stderr, "berth-shim: %s\n", msg);
}

void warn_err(int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwarn(err, fmt, ap);
  va_end(ap);
}

void die(int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwarn(err, fmt, ap);
  va_end(ap);
  report_ready(1);
  exit(1);
}

void report_ready(unsigned char code) {
  if (ready_fd < 0) return;
  /* The parent may be gone (SIGKILLed); SIGPIPE is ignored, so this is EPIPE. */
  (void)write_all(ready_fd, &code, 1);
  close(ready_fd);
  ready_fd = -1;
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int write_file_atomic(const char *name, const char *content) {
  char tmp[256];
  snprintf(tmp, sizeof tmp, ".%s.tmp", name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    warn_err(errno, "open %s", tmp);
    return -1;
  }
  /* fsync before rename: after a crash the name holds the old or the new
   * content, never an empty file (/run is on disk on this kind of host). */
  if (write_all(fd, content, strlen(content)) < 0 || fsync(fd) < 0) {
    warn_err(errno, "write %s", tmp);
    close(fd);
    unlink(tmp);
    return -1;
  }
  close(fd);
  if (rename(tmp, name) < 0) {
    warn_err(errno, "rename %s to %s", tmp, name);
    unlink(tmp);
    return -1;
  }
  return 0;
}

int write_pid_file(pid_t pid) {
  char buf[32];
  snprintf(buf, sizeof buf, "%d\n", (int)pid);
  return write_file_atomic("pid", buf);
}

/* Reads a small file whole into buf (NUL-terminated); -1 on error. */
static int read_small(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, cap - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = '\0';
  return 0;
}

int write_identity(void) {
  /* A pid alone means nothing once the shim is gone: /run may be on disk,
   * the pid reused after a crash or a reboot. The start time (field 22 of
   * stat, after the command name, which may hold spaces and parentheses)
   * and the boot id name this process. */
  char stat[1024], boot[64], buf[256];
  if (read_small("/proc/self/stat", stat, sizeof stat) < 0) {
    warn_err(errno, "read /proc/self/stat");
    return -1;
  }
  if (read_small("/proc/sys/kernel/random/boot_id", boot, sizeof boot) < 0) {
    warn_err(errno, "read /proc/sys/kernel/random/boot_id");
    return -1;
  }
  boot[strcspn(boot, "\n")] = '\0';
  char *p = strrchr(stat, ')');
  for (int field = 2; p && field < 22; field++) p = strchr(p + 1, ' ');
  if (!p) {
    warn_err(0, "cannot parse /proc/self/stat");
    return -1;
  }
  unsigned long long start = strtoull(p + 1, NULL, 10);
  snprintf(buf, sizeof buf, "{\"pid\":%d,\"startTime\":%llu,\"bootId\":\"%s\"}\n", (int)getpid(), start, boot);
  return write_file_atomic("shim.json", buf);
}

void format_time(char *out, size_t cap, const struct timespec *ts) {
  struct tm tm;
  time_t sec = ts->tv_sec;
  gmtime_r(&sec, &tm);
  size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  snprintf(frac, sizeof frac, ".%09ld", ts->tv_nsec);
  /* Go's RFC3339Nano ("…05.999999999Z07:00") drops trailing zeros, and the
   * dot with them when the fraction is zero; docker's logs do the same. */
  size_t f = strlen(frac);
  while (f > 1 && frac[f - 1] == '0') f--;
  if (f == 1) f = 0;
  frac[f] = '\0';
  snprintf(out + n, cap - n, "%sZ", frac);
}

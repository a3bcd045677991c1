/*
 * Messages to the caller on the sync descriptor: one JSON object per line,
 * from a closed set: ready, exit, error. Each is written with a single
 * write(2) so the parent and the child never interleave inside a line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"

static int sync_fd = -1;
static int after_ready;

void report_init(int fd) { sync_fd = fd; }

/* Once the container is ready nobody may be reading the sync descriptor any
 * more (create has returned); failures from then on go to the container's
 * own stderr, where its logs are. */
void report_after_ready(void) { after_ready = 1; }
int report_fd(void) { return sync_fd; }

void write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    buf += n;
    len -= (size_t)n;
  }
}

/* Appends `s` as a JSON string body (without quotes) to out, bounded. */
static size_t json_escape(char *out, size_t cap, const char *s) {
  size_t o = 0;
  for (; s && *s && o + 7 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c < 0x20) {
      o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o] = '\0';
  return o;
}

static void emit(const char *line) {
  int fd = sync_fd >= 0 ? sync_fd : STDERR_FILENO;
  write_all(fd, line, strlen(line));
}

void fail(const char *step, const char *path, int err, const char *fmt, ...) {
  char msg[1024], emsg[2100], epath[8200], line[12000];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (after_ready || sync_fd < 0) {
    char why[256] = "";
    if (err) {
      snprintf(why, sizeof why, ": %s", strerror(err));
      why[2] = (char)tolower((unsigned char)why[2]); /* messages are lower case */
    }
    fprintf(stderr, "berth: %s%s\n", msg, why);
    /* 126/127: the shell's (and docker's) codes for "cannot run" and "not found". */
    _exit(strcmp(step, "exec") == 0 ? (err == ENOENT ? 127 : 126) : 1);
  }
  json_escape(emsg, sizeof emsg, msg);
  json_escape(epath, sizeof epath, path ? path : "");
  snprintf(line, sizeof line,
           "{\"type\":\"error\",\"step\":\"%s\",\"path\":\"%s\",\"errno\":%d,\"strerror\":\"%s\",\"message\":\"%s\"}\n",
           step, epath, err, err ? strerror(err) : "", emsg);
  emit(line);
  _exit(1);
}

void report_ready(pid_t pid) {
  char line[64];
  snprintf(line, sizeof line, "{\"type\":\"ready\",\"pid\":%d}\n", (int)pid);
  emit(line);
}

void report_exit(int status) {
  char line[96];
  if (WIFSIGNALED(status))
    snprintf(line, sizeof line, "{\"type\":\"exit\",\"code\":%d,\"signal\":%d}\n", 128 + WTERMSIG(status),
             WTERMSIG(status));
  else
    snprintf(line, sizeof line, "{\"type\":\"exit\",\"code\":%d,\"signal\":0}\n", WEXITSTATUS(status));
  emit(line);
}

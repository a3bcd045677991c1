/*
 * The command's stdin (input queued from attach clients) and the commands
 * of control.sock: resize, kill, close-stdin, wait.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "shim.h"

static int stdin_closing;

void stdin_flush(void) {
  while (shim.pending_len > 0 && shim.stdin_fd >= 0) {
    ssize_t n = write(shim.stdin_fd, shim.pending, shim.pending_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) {
      /* The command closed its stdin (EPIPE) or the pty is hung up: what
       * attach clients send from now on has nowhere to go. */
      shim.pending_len = 0;
      if (!shim.terminal) stdin_close();
      return;
    }
    memmove(shim.pending, shim.pending + n, shim.pending_len - (size_t)n);
    shim.pending_len -= (size_t)n;
  }
  if (stdin_closing && shim.pending_len == 0) stdin_close();
}

void stdin_feed(const char *data, size_t len) {
  if (shim.stdin_fd < 0 || stdin_closing) return;
  if (len > sizeof shim.pending - shim.pending_len) len = sizeof shim.pending - shim.pending_len;
  memcpy(shim.pending + shim.pending_len, data, len);
  shim.pending_len += len;
  stdin_flush();
}

void stdin_close(void) {
  if (shim.terminal || shim.stdin_fd < 0) return;
  if (shim.pending_len > 0) {
    stdin_closing = 1; /* after what is queued has been written */
    return;
  }
  close(shim.stdin_fd);
  shim.stdin_fd = -1;
  stdin_closing = 0;
}

static int parse_uint(const char **s, unsigned long max, unsigned long *out) {
  char *end;
  while (**s == ' ') (*s)++;
  if (**s < '0' || **s > '9') return -1;
  errno = 0;
  unsigned long v = strtoul(*s, &end, 10);
  if (errno || v > max) return -1;
  *s = end;
  *out = v;
  return 0;
}

int control_run(const char *line, char *reply, size_t cap) {
  unsigned long a, b;
  const char *p;
  snprintf(reply, cap, "ok");
  if (strncmp(line, "resize ", 7) == 0) {
    p = line + 7;
    if (parse_uint(&p, 65535, &a) < 0 || parse_uint(&p, 65535, &b) < 0 || *p) {
      snprintf(reply, cap, "error usage: resize ROWS COLS");
    } else if (!shim.terminal || shim.pty_fd < 0) {
      snprintf(reply, cap, "error no terminal");
    } else {
      /* The kernel sends SIGWINCH to the terminal's foreground process group. */
      struct winsize ws = {.ws_row = (unsigned short)a, .ws_col = (unsigned short)b};
      if (ioctl(shim.pty_fd, TIOCSWINSZ, &ws) < 0) snprintf(reply, cap, "error resize: %s", strerror(errno));
    }
  } else if (strncmp(line, "kill ", 5) == 0) {
    p = line + 5;
    if (parse_uint(&p, 64, &a) < 0 || *p) {
      snprintf(reply, cap, "error usage: kill SIGNUM");
    } else if (shim.exited) {
      /* Its pid may already belong to another process. */
      snprintf(reply, cap, "error process has exited");
    } else if (shim.pid <= 0) {
      /* --sync-fd before "ready": the launcher is not the container. */
      snprintf(reply, cap, "error process not started");
    } else if (kill(shim.pid, (int)a) < 0) {
      snprintf(reply, cap, "error kill: %s", strerror(errno));
    }
  } else if (strcmp(line, "wait") == 0) {
    /* Answered once the exit file is written (clients_exit_written). */
    if (!shim.exit_written) return 0;
  } else if (strcmp(line, "ping") == 0) {
    /* Nothing to do: the answer tells the caller that every connection it
     * made before this one has been accepted (attach is accepted first). */
  } else if (strcmp(line, "close-stdin") == 0) {
    if (shim.terminal)
      snprintf(reply, cap, "error no stdin pipe with a terminal");
    else
      stdin_close();
  } else {
    snprintf(reply, cap, "error unknown command");
  }
  return 1;
}

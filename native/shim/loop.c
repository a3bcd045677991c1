/*
 * The poll loop: output into the log and to attach clients, attach input
 * into stdin, control commands, reaping. It ends when the command has been
 * reaped and its output has reached EOF (in a container: when the pid
 * namespace is gone); the exit file is written at that point, or 2 seconds
 * after the command's exit if something it left behind still holds the
 * output open (docker waits as long for the streams before it records the
 * exit). The log keeps receiving whatever comes after.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

#define EXIT_GRACE_MS 2000

struct stream {
  int fd;
  int id;                 /* attach framing: 1 stdout, 2 stderr, 0 raw (terminal) */
  const char *name;
  size_t len;
  char buf[LINE_MAX_BYTES];
};

static struct stream streams[2];
static int stdin_closing;

static void stream_close(struct stream *s) {
  close(s->fd);
  if (s->fd == shim.pty_fd) {
    shim.pty_fd = -1;
    shim.stdin_fd = -1;
    shim.pending_len = 0;
  }
  s->fd = -1;
}

static void stream_read(struct stream *s, struct logfile *lf) {
  ssize_t n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  if (n <= 0) {
    /* EOF; on a pty master, EIO once no slave descriptor is left open. */
    if (n < 0 && errno != EIO) warn_err(errno, "read %s", s->name);
    if (s->len > 0) {
      /* docker logs a last unterminated line with a "\n" added. */
      s->buf[s->len++] = '\n';
      logfile_write(lf, s->name, s->buf, s->len, &now);
      s->len = 0;
    }
    stream_close(s);
    return;
  }
  attach_broadcast(s->id, s->buf + s->len, (size_t)n);
  s->len += (size_t)n;
  size_t start = 0;
  char *nl;
  while ((nl = memchr(s->buf + start, '\n', s->len - start))) {
    size_t end = (size_t)(nl - s->buf) + 1;
    logfile_write(lf, s->name, s->buf + start, end - start, &now);
    start = end;
  }
  if (start == 0 && s->len == sizeof s->buf) {
    logfile_write(lf, s->name, s->buf, s->len, &now); /* a 16 KiB piece of a longer line */
    s->len = 0;
  } else if (start > 0) {
    memmove(s->buf, s->buf + start, s->len - start);
    s->len -= start;
  }
}

static void stdin_flush(void) {
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

void control_run(const char *line, char *reply, size_t cap) {
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
    } else if (kill(shim.pid, (int)a) < 0) {
      snprintf(reply, cap, "error kill: %s", strerror(errno));
    }
  } else if (strcmp(line, "close-stdin") == 0) {
    if (shim.terminal)
      snprintf(reply, cap, "error no stdin pipe with a terminal");
    else
      stdin_close();
  } else {
    snprintf(reply, cap, "error unknown command");
  }
}

static void write_exit(int status, const struct timespec *finished) {
  char when[64], buf[160];
  format_time(when, sizeof when, finished);
  int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  snprintf(buf, sizeof buf, "{\"exitCode\":%d,\"signal\":%d,\"finishedAt\":\"%s\"}\n", code, sig, when);
  (void)write_file_atomic("exit", buf);
}

static long long ms_since(const struct timespec *t) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - t->tv_sec) * 1000LL + (now.tv_nsec - t->tv_nsec) / 1000000;
}

void run_loop(struct logfile *lf, int sig_fd, int attach_fd, int control_fd, int out_fd, int err_fd) {
  streams[0] = (struct stream){.fd = out_fd, .id = shim.terminal ? 0 : 1, .name = "stdout"};
  streams[1] = (struct stream){.fd = err_fd, .id = 2, .name = "stderr"};
  int status = 0, exit_written = 0;
  struct timespec exited_mono = {0}, finished = {0};
  for (;;) {
    int open_streams = (streams[0].fd >= 0) + (streams[1].fd >= 0);
    if (shim.exited && !exit_written && (open_streams == 0 || ms_since(&exited_mono) >= EXIT_GRACE_MS)) {
      write_exit(status, &finished);
      exit_written = 1;
    }
    if (shim.exited && open_streams == 0) break;

    struct pollfd fds[8 + 64];
    size_t n = 0;
    fds[n++] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = attach_fd, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = control_fd, .events = POLLIN};
    /* fd -1 is ignored by poll: a closed stream keeps its slot. */
    fds[n++] = (struct pollfd){.fd = streams[0].fd, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = streams[1].fd, .events = POLLIN};
    /* On a pty the master is both a stream and stdin: its POLLOUT is
     * requested in this separate slot, only while input waits. */
    fds[n++] = (struct pollfd){.fd = shim.pending_len ? shim.stdin_fd : -1, .events = POLLOUT};
    size_t first_client = n;
    n += clients_pollfds(fds + n, sizeof fds / sizeof fds[0] - n, shim.pending_len == 0);

    int timeout = -1;
    if (shim.exited && !exit_written) {
      long long left = EXIT_GRACE_MS - ms_since(&exited_mono);
      timeout = left > 0 ? (int)left : 0;
    }
    if (poll(fds, n, timeout) < 0) {
      if (errno == EINTR) continue;
      warn_err(errno, "poll");
      sleep(1); /* never spin; never leave the container without its shim */
      continue;
    }

    if (fds[0].revents) {
      struct signalfd_siginfo si;
      while (read(sig_fd, &si, sizeof si) > 0) {
      }
      int st;
      pid_t p;
      /* Orphans re-parented to us (we are a subreaper) are reaped too. */
      while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
        if (p == shim.pid) {
          shim.exited = 1;
          status = st;
          clock_gettime(CLOCK_MONOTONIC, &exited_mono);
          clock_gettime(CLOCK_REALTIME, &finished);
        }
      }
    }
    /* Output before clients: an attach client sees everything up to now. */
    for (int k = 0; k < 2; k++)
      if (streams[k].fd >= 0 && fds[3 + k].revents) stream_read(&streams[k], lf);
    if (fds[5].revents) stdin_flush();
    /* Clients before accepting: a new client cannot then reuse the fd
     * number of one dropped in this round and inherit its poll result. */
    clients_handle(fds + first_client, n - first_client);
    if (fds[1].revents) attach_accept(attach_fd);
    if (fds[2].revents) control_accept(control_fd);
  }
  clients_close_all();
  unlink("attach.sock");
  unlink("control.sock");
  unlink("shim.pid");
}

/*
 * The poll loop: output into the log and to attach clients, attach input
 * into stdin, control commands, the launcher's sync messages, the console
 * socket, reaping. It ends when the recorded process has been reaped and its
 * output has reached EOF (in a container: when the pid namespace is gone);
 * the exit file is written at that point, or 2 seconds after the exit if
 * something the process left behind still holds the output open (docker
 * waits as long for the streams before it records the exit). The log keeps
 * receiving whatever comes after.
 *
 * --wait-attach holds the output in the pipe (or the pty) until the first
 * attach client connects. A process that exits before anyone attached has
 * its exit written at once (its output cannot be read to EOF yet); the
 * output then waits up to ATTACH_WAIT_MS more for a client before it is
 * read into the log (if any) so that the shim can end. Once clients are
 * attached, output is read only while each of them has room for it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

#define EXIT_GRACE_MS 2000
#define ATTACH_WAIT_MS 60000

struct stream {
  int fd;
  int id;                 /* attach framing: 1 stdout, 2 stderr, 0 raw (terminal) */
  const char *name;
  size_t len;
  char buf[LINE_MAX_BYTES];
};

static struct stream streams[2];

void output_set_pty(int fd) {
  streams[0].fd = fd;
  shim.pty_fd = fd;
  shim.stdin_fd = fd;
}

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

void record_exit(pid_t pid, int status, const struct timespec *mono, const struct timespec *real) {
  shim.pid = pid;
  shim.exited = 1;
  shim.status = status;
  shim.exited_mono = *mono;
  shim.finished = *real;
}

static void write_exit(void) {
  char when[64], buf[160];
  int status = shim.status;
  format_time(when, sizeof when, &shim.finished);
  int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  snprintf(buf, sizeof buf, "{\"exitCode\":%d,\"signal\":%d,\"finishedAt\":\"%s\"}\n", code, sig, when);
  (void)write_file_atomic("exit", buf);
}

static long long ms_left(long long total) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long since = (now.tv_sec - shim.exited_mono.tv_sec) * 1000LL + (now.tv_nsec - shim.exited_mono.tv_nsec) / 1000000;
  return since >= total ? 0 : total - since;
}

/* --wait-attach and nobody has attached (nor did the wait after the exit
 * run out). A launcher that failed has no client to wait for. */
static int output_held(void) {
  if (!shim.wait_attach || shim.attached || shim.launch_failed) return 0;
  return !shim.exited || ms_left(ATTACH_WAIT_MS) > 0;
}

static void reap(int sig_fd) {
  struct signalfd_siginfo si;
  while (read(sig_fd, &si, sizeof si) > 0) {
  }
  int st;
  pid_t p;
  /* Orphans re-parented to us (we are a subreaper) are reaped too. */
  while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
    struct timespec mono, real;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &real);
    if (shim.pid > 0 && p == shim.pid && !shim.exited)
      record_exit(p, st, &mono, &real);
    else
      relay_reaped(p, st, &mono, &real);
  }
}

static int min_timeout(int a, long long b) { return a < 0 || b < a ? (int)b : a; }

void run_loop(struct logfile *lf, int sig_fd, int attach_fd, int control_fd, int out_fd, int err_fd) {
  streams[0] = (struct stream){.fd = out_fd, .id = shim.terminal ? 0 : 1, .name = "stdout"};
  streams[1] = (struct stream){.fd = err_fd, .id = 2, .name = "stderr"};
  for (;;) {
    relay_settle();
    /* --wait-attach: output waits for the clients, and for room in their
     * sockets (the process blocks on its full pipe, as under docker exec). */
    int full = shim.wait_attach && !attach_clients_have_room();
    int held = output_held() || full;
    /* A master announced but not yet received counts as open output. */
    int open_out = (streams[0].fd >= 0) + (streams[1].fd >= 0) + console_pending();
    if (shim.exited && !shim.exit_written && (open_out == 0 || output_held() || ms_left(EXIT_GRACE_MS) == 0)) {
      write_exit();
      shim.exit_written = 1;
      clients_exit_written();
    }
    if (shim.exited && open_out == 0) break;

    struct pollfd fds[10 + 64];
    size_t n = 0;
    fds[n++] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = attach_fd, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = control_fd, .events = POLLIN};
    /* fd -1 is ignored by poll: a closed (or held) stream keeps its slot. */
    fds[n++] = (struct pollfd){.fd = held ? -1 : streams[0].fd, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = held ? -1 : streams[1].fd, .events = POLLIN};
    /* On a pty the master is both a stream and stdin: its POLLOUT is
     * requested in this separate slot, only while input waits. */
    fds[n++] = (struct pollfd){.fd = shim.pending_len ? shim.stdin_fd : -1, .events = POLLOUT};
    fds[n++] = (struct pollfd){.fd = relay_poll_fd(), .events = POLLIN};
    console_pollfds(fds + n);
    n += 2;
    size_t first_client = n;
    n += clients_pollfds(fds + n, sizeof fds / sizeof fds[0] - n, shim.pending_len == 0, full);

    int timeout = -1;
    if (shim.exited && !shim.exit_written) timeout = min_timeout(timeout, ms_left(EXIT_GRACE_MS));
    if (shim.exited && held && !full) timeout = min_timeout(timeout, ms_left(ATTACH_WAIT_MS));
    if (poll(fds, n, timeout) < 0) {
      if (errno == EINTR) continue;
      warn_err(errno, "poll");
      sleep(1); /* never spin; never leave the container without its shim */
      continue;
    }

    if (fds[0].revents) reap(sig_fd);
    if (fds[6].revents) relay_read();
    console_handle(fds + 7);
    /* Output before clients: an attach client sees everything up to now. */
    for (int k = 0; k < 2; k++)
      if (streams[k].fd >= 0 && fds[3 + k].revents) stream_read(&streams[k], lf);
    if (fds[5].revents) stdin_flush();
    /* Clients before accepting: a new client cannot then reuse the fd
     * number of one dropped in this round and inherit its poll result. */
    clients_handle(fds + first_client, n - first_client);
    if (fds[1].revents && attach_accept(attach_fd) == 0) shim.attached = 1;
    if (fds[2].revents) control_accept(control_fd);
  }
  /* Sockets go first: nobody new connects while the clients are told. */
  unlink("attach.sock");
  unlink("control.sock");
  clients_linger(1000);
  clients_close_all();
  console_close();
  unlink("shim.json");
  unlink("shim.pid");
}

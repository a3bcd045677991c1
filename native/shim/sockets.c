/*
 * attach.sock and control.sock: stream sockets in the state directory.
 *
 * attach: every client receives the live output from the moment it
 * connects; in a terminal the raw bytes, otherwise Docker's stdcopy frames
 * (8-byte header: stream 1|2, three zero bytes, big-endian length), so
 * berthd can pass them to a hijacked API connection untouched. What a client
 * writes goes to the command's stdin. A client that cannot keep up (its
 * socket buffer full) is disconnected rather than allowed to stall the
 * container or grow the shim: the log file is the complete record. Under
 * --wait-attach the clients are the record: the loop stops reading output
 * while one has no room (attach_clients_have_room), so none is dropped.
 *
 * control: one command per line, one reply line each ("ok" or "error ...").
 * "wait" is answered only once the exit file is written: a client that
 * has its answer (or EOF, if the shim died) can read the exit file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "shim.h"

#define MAX_CLIENTS 32
#define CONTROL_LINE 128

struct client {
  int fd;
  int control;            /* a control.sock client */
  int input_done;         /* an attach client that shut down its sending side */
  int waiting;            /* a control client that sent "wait", not yet answered */
  char line[CONTROL_LINE];
  size_t len;
};

static struct client clients[MAX_CLIENTS];
static size_t n_clients;

int listen_unix(const char *name) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", name);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  /* A socket file left by an earlier shim of this container (SIGKILLed,
   * or a restart) would make bind fail with EADDRINUSE. */
  unlink(name);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 16) < 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

static void drop(size_t i) {
  close(clients[i].fd);
  clients[i] = clients[--n_clients];
}

static int add(int listen_fd, int control) {
  int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) {
    if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) warn_err(errno, "accept");
    return -1;
  }
  if (n_clients == MAX_CLIENTS) {
    close(fd);
    return -1;
  }
  clients[n_clients++] = (struct client){.fd = fd, .control = control};
  return 0;
}

int attach_accept(int listen_fd) { return add(listen_fd, 0); }
int control_accept(int listen_fd) { return add(listen_fd, 1); }

void attach_broadcast(int stream, const char *data, size_t len) {
  unsigned char hdr[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                          (unsigned char)(len >> 8), (unsigned char)len};
  struct iovec iov[2] = {{.iov_base = hdr, .iov_len = 8}, {.iov_base = (void *)data, .iov_len = len}};
  struct iovec *v = stream ? iov : iov + 1;
  size_t want = stream ? len + 8 : len;
  for (size_t i = n_clients; i-- > 0;) {
    if (clients[i].control) continue;
    struct msghdr msg = {.msg_iov = v, .msg_iovlen = stream ? 2 : 1};
    ssize_t n = sendmsg(clients[i].fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    /* Short or refused: this client is too slow or gone (see the top). */
    if (n != (ssize_t)want) drop(i);
  }
}

size_t clients_pollfds(struct pollfd *out, size_t cap, int want_input, int want_room) {
  size_t n = 0;
  for (size_t i = 0; i < n_clients && n < cap; i++) {
    /* While earlier input still waits for the command to read its stdin,
     * attach clients are not read: back-pressure instead of a growing buffer. */
    short ev = clients[i].control || (want_input && !clients[i].input_done) ? POLLIN : 0;
    if (want_room && !clients[i].control) ev |= POLLOUT;
    out[n++] = (struct pollfd){.fd = clients[i].fd, .events = ev};
  }
  return n;
}

int attach_clients_have_room(void) {
  struct pollfd fds[MAX_CLIENTS];
  nfds_t n = 0;
  for (size_t i = 0; i < n_clients; i++)
    if (!clients[i].control) fds[n++] = (struct pollfd){.fd = clients[i].fd, .events = POLLOUT};
  if (n == 0) return 1;
  if (poll(fds, n, 0) < 0) return 1; /* let the send decide */
  /* POLLOUT on a unix stream socket: at least half of its send buffer is
   * free, far more than one 16 KiB piece of output. A broken client counts
   * as having room: the next send drops it. */
  for (nfds_t k = 0; k < n; k++)
    if (!(fds[k].revents & (POLLOUT | POLLERR | POLLHUP | POLLNVAL))) return 0;
  return 1;
}

static int control_input(struct client *c) {
  ssize_t n = read(c->fd, c->line + c->len, sizeof c->line - c->len);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  if (n <= 0) return -1;
  c->len += (size_t)n;
  for (;;) {
    char *nl = memchr(c->line, '\n', c->len);
    if (!nl) break;
    *nl = '\0';
    char reply[160];
    if (control_run(c->line, reply, sizeof reply - 1)) {
      strcat(reply, "\n");
      if (send(c->fd, reply, strlen(reply), MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)strlen(reply)) return -1;
    } else {
      c->waiting = 1;
    }
    size_t used = (size_t)(nl - c->line) + 1;
    memmove(c->line, nl + 1, c->len - used);
    c->len -= used;
  }
  if (c->len == sizeof c->line) {
    const char *msg = "error line too long\n";
    (void)send(c->fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
    return -1;
  }
  return 0;
}

static int attach_input(struct client *c) {
  char buf[sizeof shim.pending];
  size_t room = sizeof shim.pending - shim.pending_len;
  ssize_t n = read(c->fd, buf, room < sizeof buf ? room : sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  if (n < 0) return -1;
  /* EOF: the client shut down its sending side; it may still read output,
   * so it stays until it closes (an error on the next send drops it).
   * Its stdin EOF is not the command's: that takes "close-stdin". */
  if (n == 0) return 1;
  stdin_feed(buf, (size_t)n);
  return 0;
}

void clients_handle(const struct pollfd *fds, size_t n) {
  /* fds[k] was built from clients[k]; walk backwards so drop() (which moves
   * the last client into the hole) does not disturb entries still to come. */
  for (size_t k = n; k-- > 0;) {
    if (k >= n_clients || clients[k].fd != fds[k].fd) continue;
    short re = fds[k].revents;
    if (!re) continue;
    struct client *c = &clients[k];
    int r = 0;
    if (re & (POLLERR | POLLNVAL)) {
      r = -1;
    } else if (re & POLLIN) {
      r = c->control ? control_input(c) : attach_input(c);
    } else if (re & POLLHUP) {
      r = -1;
    }
    /* A half-closed attach client would poll readable at EOF forever: stop
     * reading it, but keep sending it output (see attach_input). */
    if (r == 1) c->input_done = 1;
    if (r < 0) drop(k);
  }
}

void clients_exit_written(void) {
  for (size_t i = n_clients; i-- > 0;) {
    if (!clients[i].waiting) continue;
    clients[i].waiting = 0;
    if (send(clients[i].fd, "ok\n", 3, MSG_DONTWAIT | MSG_NOSIGNAL) != 3) drop(i);
  }
}

void clients_close_all(void) {
  while (n_clients > 0) drop(n_clients - 1);
}

/*
 * The end of the output, told without losing any of it: each attach client
 * gets EOF (shutdown of our sending side) and may keep writing until it
 * closes. Closing at once would make a client's late input (a keystroke as
 * the process exits) fail with EPIPE, and a client library that then drops
 * the connection would lose output it had not read yet. Waits up to
 * `timeout_ms` for the clients to close; input that arrives is discarded.
 */
void clients_linger(int timeout_ms) {
  for (size_t i = n_clients; i-- > 0;) {
    if (clients[i].control) drop(i);
    else shutdown(clients[i].fd, SHUT_WR);
  }
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (n_clients > 0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000LL + (now.tv_nsec - start.tv_nsec) / 1000000);
    if (left <= 0) break;
    struct pollfd fds[MAX_CLIENTS];
    for (size_t i = 0; i < n_clients; i++) fds[i] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
    int r = poll(fds, n_clients, (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    for (size_t i = n_clients; i-- > 0;) {
      if (!fds[i].revents) continue;
      char buf[4096];
      ssize_t n = recv(clients[i].fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) drop(i);
    }
  }
}

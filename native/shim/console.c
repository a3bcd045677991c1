/*
 * --console-socket: the container makes its own pty, inside its own devpts
 * instance (as runc does; a pty of the host's devpts would not exist in the
 * container's /dev/pts), and sends the master here with SCM_RIGHTS. The shim
 * listens on DIR/console.sock, takes one connection, and from the received
 * master on works as with --terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim.h"

static int listen_fd = -1, conn_fd = -1, received;

int console_listen(void) {
  listen_fd = listen_unix("console.sock");
  return listen_fd;
}

/* The launcher reported ready, so the master is already in the socket's
 * queue (console_setup comes before ready in the plan): wait for it. */
int console_pending(void) { return shim.console && !received && shim.ready && listen_fd >= 0; }

void console_close(void) {
  if (conn_fd >= 0) close(conn_fd);
  if (listen_fd >= 0) close(listen_fd);
  conn_fd = listen_fd = -1;
  unlink("console.sock");
}

void console_pollfds(struct pollfd *fds) {
  /* One connection at a time; none is accepted after the master came. */
  fds[0] = (struct pollfd){.fd = conn_fd < 0 ? listen_fd : -1, .events = POLLIN};
  fds[1] = (struct pollfd){.fd = conn_fd, .events = POLLIN};
}

/* Receives the master; 1 when it came, 0 to wait, -1 when the connection ended without it. */
static int receive(void) {
  char data[256], cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  ssize_t n = recvmsg(conn_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  if (n < 0) warn_err(errno, "receive on console.sock");
  if (n <= 0) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) {
    warn_err(0, "console.sock: a message without a descriptor");
    return -1;
  }
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  if (!isatty(fd)) {
    warn_err(errno, "console.sock: the descriptor received is not a terminal");
    close(fd);
    return -1;
  }
  if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0) warn_err(errno, "fcntl the pty master");
  output_set_pty(fd);
  return 1;
}

void console_handle(const struct pollfd *fds) {
  if (fds[0].revents && listen_fd >= 0) {
    conn_fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (conn_fd < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) warn_err(errno, "accept on console.sock");
  }
  if (conn_fd < 0) return;
  int r = receive();
  if (r == 0) return;
  close(conn_fd);
  conn_fd = -1;
  if (r == 1) {
    received = 1;
    console_close();
  }
}

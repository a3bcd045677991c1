/*
 * The container's terminal, as runc does it: the pty is created inside the
 * container (from its own devpts instance) and the master end is sent to the
 * caller's --console-socket with SCM_RIGHTS; the slave becomes the
 * process's controlling terminal and stdio.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "core.h"

void op_console_connect(const char *path) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) fail("console", path, ENAMETOOLONG, "console socket path too long");
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("console", path, errno, "socket");
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) fail("console", path, errno, "connect console socket");
  core.console_fd = fd;
}

static void send_fd(int sock, int fd, const char *name) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  memset(cbuf, 0, sizeof cbuf);
  struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  if (sendmsg(sock, &msg, 0) < 0) fail("console", NULL, errno, "send pty master to console socket");
}

void op_console_setup(unsigned rows, unsigned cols) {
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("console", "/dev/ptmx", errno, "open");
  int unlock = 0, n;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail("console", "/dev/ptmx", errno, "unlock pty");
  if (ioctl(master, TIOCGPTN, &n) < 0) fail("console", "/dev/ptmx", errno, "get pty number");
  char slave_path[64];
  snprintf(slave_path, sizeof slave_path, "/dev/pts/%d", n);
  int slave = open(slave_path, O_RDWR | O_NOCTTY);
  if (slave < 0) fail("console", slave_path, errno, "open pty slave");
  if (rows > 0 && cols > 0) {
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    if (ioctl(master, TIOCSWINSZ, &ws) < 0) fail("console", slave_path, errno, "set window size");
  }
  if (core.console_fd < 0) fail("console", NULL, EINVAL, "a terminal was requested without a console socket");
  send_fd(core.console_fd, master, slave_path);
  close(master);
  close(core.console_fd);
  core.console_fd = -1;
  if (setsid() < 0 && errno != EPERM) fail("console", NULL, errno, "setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0) fail("console", slave_path, errno, "set controlling terminal");
  for (int i = 0; i < 3; i++)
    if (dup2(slave, i) < 0) fail("console", slave_path, errno, "dup2 to fd %d", i);
  if (slave > 2) close(slave);
}

/*
 * Starting the command with the stdio the shim holds: pipes (stdin only
 * with --stdin), a pty of the shim's own (--terminal), or /dev/null when the
 * container makes its pty itself (--console-socket). Under --sync-fd the
 * caller's fds 3..N-1 go to the command unchanged and the shim's relay pipe
 * becomes its fd N.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "shim.h"

/* Opens a pty pair: returns the master, fills *slave (both close-on-exec). */
static int open_pty(int *slave) {
  /* O_NOCTTY: the shim is a session leader now, and must not make the
   * container's terminal its own controlling terminal. */
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (master < 0) die(errno, "open /dev/ptmx");
  int unlock = 0, n;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) die(errno, "unlock pty");
  if (ioctl(master, TIOCGPTN, &n) < 0) die(errno, "get pty number");
  char path[64];
  snprintf(path, sizeof path, "/dev/pts/%d", n);
  *slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*slave < 0) die(errno, "open %s", path);
  return master;
}

static void child(char **argv, const struct spawn_opts *o, int in, int out, int err, int exec_err_fd) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* An ignored signal stays ignored across execve: give the command back
   * the default SIGPIPE, or `yes | head` would never end. */
  signal(SIGPIPE, SIG_DFL);
  int e = 0;
  if (shim.terminal && !shim.console) {
    if (setsid() < 0 || ioctl(in, TIOCSCTTY, 0) < 0) e = errno;
  }
  if (!e && (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)) e = errno;
  if (!e && o->sync_fd >= 0) {
    /* The caller's descriptors (the plan) stay open across exec; every
     * descriptor of the shim's own is close-on-exec. dup2 clears the flag
     * on the relay's new number. */
    for (int fd = 3; fd < o->sync_fd && !e; fd++)
      if (fcntl(fd, F_SETFD, 0) < 0) e = errno;
    if (!e && dup2(o->relay_w, o->sync_fd) < 0) e = errno;
  }
  if (!e) {
    execvp(argv[0], argv);
    e = errno;
  }
  (void)write_all(exec_err_fd, &e, sizeof e);
  _exit(e == ENOENT ? 127 : 126);
}

static void must_pipe(int p[2], int flags) {
  if (pipe2(p, O_CLOEXEC | flags) < 0) die(errno, "pipe");
}

int spawn(char **argv, const struct spawn_opts *o, pid_t *pid, int *out_fd, int *err_fd) {
  int in, out, err, p[2];
  *out_fd = *err_fd = -1;
  if (shim.terminal && !shim.console) {
    int slave;
    shim.pty_fd = open_pty(&slave);
    shim.stdin_fd = shim.pty_fd;
    *out_fd = shim.pty_fd;
    in = out = err = slave;
  } else if (o->null_stdio) {
    in = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (in < 0) die(errno, "open /dev/null");
    out = err = in;
  } else {
    if (o->stdin_wanted) {
      must_pipe(p, 0);
      in = p[0];
      shim.stdin_fd = p[1];
      if (fcntl(shim.stdin_fd, F_SETFL, O_NONBLOCK) < 0) die(errno, "fcntl stdin pipe");
    } else {
      /* docker without -i: the command reads EOF, not a pipe nobody feeds. */
      in = open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (in < 0) die(errno, "open /dev/null");
    }
    must_pipe(p, O_NONBLOCK);
    *out_fd = p[0];
    out = p[1];
    must_pipe(p, O_NONBLOCK);
    *err_fd = p[0];
    err = p[1];
    /* The command's ends must block, as any stdio a program inherits. */
    if (fcntl(out, F_SETFL, 0) < 0 || fcntl(err, F_SETFL, 0) < 0) die(errno, "fcntl output pipe");
  }
  int ep[2];
  must_pipe(ep, 0);
  *pid = fork();
  if (*pid < 0) die(errno, "fork");
  if (*pid == 0) child(argv, o, in, out, err, ep[1]);
  /* Only the command may hold its ends: the shim sees EOF (or EIO on the
   * pty master) when the command and whatever inherited them are gone. */
  close(ep[1]);
  close(in);
  if (out != in) close(out);
  if (err != in && err != out) close(err);
  int e = 0;
  ssize_t n;
  do n = read(ep[0], &e, sizeof e);
  while (n < 0 && errno == EINTR);
  close(ep[0]);
  return n == (ssize_t)sizeof e ? e : 0;
}

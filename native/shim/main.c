/*
 * berth-shim --state DIR [--log FILE] [--log-max-size BYTES] [--log-max-files N]
 *            [--terminal] [--stdin] -- COMMAND [ARG...]
 *
 * The process the caller starts only waits: it forks the shim proper, which
 * sets up everything (session, subreaper, log, sockets, the command) and
 * then reports one byte on a pipe. The caller's process exits with that
 * byte: 0 when the shim is serving and the command has been exec'd, 126/127
 * when the command could not be run (the shim still records its exit), 1 on
 * any other start-up error (the reason is on stderr). From then on the shim
 * belongs to nobody: its parent, and berthd, may exit or be SIGKILLed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "shim.h"

/* Docker's "local" log driver defaults (json-file has no default rotation,
 * but berth rotates by default): 20 MiB per file, 5 files. */
#define DEFAULT_MAX_SIZE (20LL << 20)
#define DEFAULT_MAX_FILES 5

struct shim shim = {.pty_fd = -1, .stdin_fd = -1};

static void usage(void) {
  fprintf(stderr, "usage: berth-shim --state DIR [--log FILE] [--log-max-size BYTES] [--log-max-files N]\n"
                  "                  [--terminal] [--stdin] -- COMMAND [ARG...]\n");
  exit(2);
}

static long long parse_num(const char *flag, const char *s, long long min) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < min) {
    fprintf(stderr, "berth-shim: %s: not a number >= %lld: %s\n", flag, min, s);
    exit(2);
  }
  return v;
}

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

static void child(char **argv, int in, int out, int err, int exec_err_fd) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* An ignored signal stays ignored across execve: give the command back
   * the default SIGPIPE, or `yes | head` would never end. */
  signal(SIGPIPE, SIG_DFL);
  int e = 0;
  if (shim.terminal) {
    if (setsid() < 0 || ioctl(in, TIOCSCTTY, 0) < 0) e = errno;
  }
  if (!e && (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)) e = errno;
  if (!e) {
    execvp(argv[0], argv);
    e = errno;
  }
  (void)write_all(exec_err_fd, &e, sizeof e);
  _exit(e == ENOENT ? 127 : 126);
}

/* Starts the command; returns its exec errno (0 when it is running). */
static int spawn(char **argv, int stdin_wanted, int *out_fd, int *err_fd) {
  int in, out, err, p[2];
  if (shim.terminal) {
    int slave;
    shim.pty_fd = open_pty(&slave);
    shim.stdin_fd = shim.pty_fd;
    *out_fd = shim.pty_fd;
    *err_fd = -1;
    in = out = err = slave;
  } else {
    if (stdin_wanted) {
      if (pipe2(p, O_CLOEXEC) < 0) die(errno, "pipe");
      in = p[0];
      shim.stdin_fd = p[1];
      fcntl(shim.stdin_fd, F_SETFL, O_NONBLOCK);
    } else {
      /* docker without -i: the command reads EOF, not a pipe nobody feeds. */
      in = open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (in < 0) die(errno, "open /dev/null");
    }
    if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) die(errno, "pipe");
    *out_fd = p[0];
    out = p[1];
    if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) die(errno, "pipe");
    *err_fd = p[0];
    err = p[1];
    /* The command's ends must block, as any stdio a program inherits. */
    fcntl(out, F_SETFL, 0);
    fcntl(err, F_SETFL, 0);
  }
  int ep[2];
  if (pipe2(ep, O_CLOEXEC) < 0) die(errno, "pipe");
  pid_t pid = fork();
  if (pid < 0) die(errno, "fork");
  if (pid == 0) child(argv, in, out, err, ep[1]);
  shim.pid = pid;
  /* Only the command may hold its ends: the shim sees EOF (or EIO on the
   * pty master) when the command and whatever inherited them are gone. */
  close(ep[1]);
  close(in);
  if (out != in) close(out);
  if (err != in) close(err);
  int e = 0;
  ssize_t n;
  do n = read(ep[0], &e, sizeof e);
  while (n < 0 && errno == EINTR);
  close(ep[0]);
  return n == (ssize_t)sizeof e ? e : 0;
}

static void waiter(int ready_fd) {
  unsigned char code;
  ssize_t n;
  do n = read(ready_fd, &code, 1);
  while (n < 0 && errno == EINTR);
  if (n == 1) exit(code);
  fprintf(stderr, "berth-shim: the shim exited during start-up\n");
  exit(1);
}

int main(int argc, char **argv) {
  const char *state = NULL, *log = NULL;
  long long max_size = DEFAULT_MAX_SIZE, max_files = DEFAULT_MAX_FILES;
  int stdin_wanted = 0, i;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    } else if (strcmp(a, "--terminal") == 0) {
      shim.terminal = 1;
    } else if (strcmp(a, "--stdin") == 0) {
      stdin_wanted = 1;
    } else if (i + 1 < argc && strcmp(a, "--state") == 0) {
      state = argv[++i];
    } else if (i + 1 < argc && strcmp(a, "--log") == 0) {
      log = argv[++i];
    } else if (i + 1 < argc && strcmp(a, "--log-max-size") == 0) {
      max_size = parse_num(a, argv[++i], 0);
    } else if (i + 1 < argc && strcmp(a, "--log-max-files") == 0) {
      max_files = parse_num(a, argv[++i], 1);
    } else {
      usage();
    }
  }
  if (!state || i >= argc) usage();
  if (max_files > 1000) max_files = 1000;
  /* A caller that started us with fd 0, 1 or 2 closed would have pipes land
   * there and the command's dup2s overwrite each other. */
  for (int fd = open("/dev/null", O_RDWR); fd >= 0 && fd <= 2; fd = open("/dev/null", O_RDWR)) {
  }

  int ready[2];
  if (pipe2(ready, O_CLOEXEC) < 0) die(errno, "pipe");
  pid_t pid = fork();
  if (pid < 0) die(errno, "fork");
  if (pid > 0) {
    close(ready[1]);
    waiter(ready[0]);
  }
  close(ready[0]);
  set_ready_fd(ready[1]);

  /* Own session: no signal aimed at the caller's process group or terminal
   * (Ctrl-C, SIGHUP when it closes) reaches the shim. */
  if (setsid() < 0) die(errno, "setsid");
  /* The command's orphans (berth-core double-forks the container's init)
   * are re-parented to the shim, which reaps them. */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) die(errno, "prctl(PR_SET_CHILD_SUBREAPER)");
  /* Writes to departed attach clients or a closed stdin pipe must be
   * errors, not the end of the shim. */
  signal(SIGPIPE, SIG_IGN);

  if (mkdir(state, 0700) < 0 && errno != EEXIST) die(errno, "mkdir %s", state);
  struct logfile lf = {.fd = -1, .dir_fd = -1, .max_size = max_size, .max_files = (int)max_files};
  if (log && logfile_open(&lf, log) < 0) die(errno, "open log %s", log);
  /* Everything else lives in the state directory under short relative
   * names: socket paths stay far below sun_path's 108 bytes. */
  if (chdir(state) < 0) die(errno, "chdir %s", state);
  if (unlink("exit") < 0 && errno != ENOENT) die(errno, "remove stale %s/exit", state);
  int attach_fd = listen_unix("attach.sock");
  if (attach_fd < 0) die(errno, "listen on %s/attach.sock", state);
  int control_fd = listen_unix("control.sock");
  if (control_fd < 0) die(errno, "listen on %s/control.sock", state);

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0) die(errno, "sigprocmask");
  int sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sig_fd < 0) die(errno, "signalfd");

  int out_fd, err_fd;
  int exec_err = spawn(argv + i, stdin_wanted, &out_fd, &err_fd);
  char buf[32];
  snprintf(buf, sizeof buf, "%d\n", (int)shim.pid);
  if (write_file_atomic("pid", buf) < 0) die(0, "cannot write %s/pid", state);
  snprintf(buf, sizeof buf, "%d\n", (int)getpid());
  if (write_file_atomic("shim.pid", buf) < 0) die(0, "cannot write %s/shim.pid", state);
  if (exec_err) {
    warn_err(exec_err, "exec %s", argv[i]);
    report_ready(exec_err == ENOENT ? 127 : 126);
  }

  /* Let go of the caller's stdio: a caller waiting for our stdout or
   * stderr to close (execFile) must not wait for the container. */
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  int elog = open("shim.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (null < 0 || elog < 0) die(errno, "open /dev/null or %s/shim.log", state);
  if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(elog, 2) < 0) die(errno, "dup2");
  close(null);
  close(elog);
  report_ready(0);

  run_loop(&lf, sig_fd, attach_fd, control_fd, out_fd, err_fd);
  return 0;
}

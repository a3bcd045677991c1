/*
 * berth-shim --state DIR [--log FILE] [--log-max-size BYTES] [--log-max-files N]
 *            [--terminal | --console-socket] [--stdin] [--wait-attach]
 *            [--sync-fd N] -- COMMAND [ARG...]
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
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

/* Docker's "local" log driver defaults (json-file has no default rotation,
 * but berth rotates by default): 20 MiB per file, 5 files. */
#define DEFAULT_MAX_SIZE (20LL << 20)
#define DEFAULT_MAX_FILES 5

struct shim shim = {.pty_fd = -1, .stdin_fd = -1};

static void usage(void) {
  fprintf(stderr, "usage: berth-shim --state DIR [--log FILE] [--log-max-size BYTES] [--log-max-files N]\n"
                  "                  [--terminal | --console-socket] [--stdin] [--wait-attach]\n"
                  "                  [--sync-fd N] -- COMMAND [ARG...]\n");
  exit(2);
}

static long long parse_num(const char *flag, const char *s, long long min, long long max) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) {
    fprintf(stderr, "berth-shim: %s: not a number from %lld to %lld: %s\n", flag, min, max, s);
    exit(2);
  }
  return v;
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
  struct spawn_opts so = {.sync_fd = -1, .relay_w = -1};
  int i;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    } else if (strcmp(a, "--terminal") == 0) {
      shim.terminal = 1;
    } else if (strcmp(a, "--console-socket") == 0) {
      shim.console = 1;
    } else if (strcmp(a, "--stdin") == 0) {
      so.stdin_wanted = 1;
    } else if (strcmp(a, "--wait-attach") == 0) {
      shim.wait_attach = 1;
    } else if (i + 1 < argc && strcmp(a, "--state") == 0) {
      state = argv[++i];
    } else if (i + 1 < argc && strcmp(a, "--log") == 0) {
      log = argv[++i];
    } else if (i + 1 < argc && strcmp(a, "--log-max-size") == 0) {
      max_size = parse_num(a, argv[++i], 0, 1LL << 62);
    } else if (i + 1 < argc && strcmp(a, "--log-max-files") == 0) {
      max_files = parse_num(a, argv[++i], 1, 1000);
    } else if (i + 1 < argc && strcmp(a, "--sync-fd") == 0) {
      so.sync_fd = (int)parse_num(a, argv[++i], 3, 1023);
    } else {
      usage();
    }
  }
  if (!state || i >= argc) usage();
  /* The console's master comes from the container, which only a launcher
   * (--sync-fd) announces; a shim pty and a container pty exclude each other. */
  if (shim.console && (shim.terminal || so.sync_fd < 0)) usage();
  if (shim.console) {
    shim.terminal = 1;
    so.null_stdio = 1;
  }
  /* A caller that started us with fd 0, 1 or 2 closed would have pipes land
   * there and the command's dup2s overwrite each other. */
  for (int fd = open("/dev/null", O_RDWR); fd >= 0 && fd <= 2; fd = open("/dev/null", O_RDWR)) {
  }
  /* A hole below N would be filled by one of the shim's own descriptors,
   * which would then reach the command as if it were the caller's. */
  for (int fd = 3; fd <= so.sync_fd; fd++)
    if (fcntl(fd, F_GETFD) < 0) die(errno, "--sync-fd %d: fd %d is not open", so.sync_fd, fd);

  int ready[2];
  if (pipe2(ready, O_CLOEXEC) < 0) die(errno, "pipe");
  pid_t pid = fork();
  if (pid < 0) die(errno, "fork");
  if (pid > 0) {
    /* The caller's EOF on fd N must depend on the shim alone. */
    for (int fd = 3; fd <= so.sync_fd; fd++) close(fd);
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
  /* Writes to departed attach clients, a closed stdin pipe or a departed
   * caller's sync fd must be errors, not the end of the shim. */
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
  if (shim.console && console_listen() < 0) die(errno, "listen on %s/console.sock", state);

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0) die(errno, "sigprocmask");
  int sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sig_fd < 0) die(errno, "signalfd");

  int relay[2] = {-1, -1};
  if (so.sync_fd >= 0) {
    if (pipe2(relay, O_CLOEXEC) < 0) die(errno, "pipe");
    if (fcntl(relay[0], F_SETFL, O_NONBLOCK) < 0) die(errno, "fcntl relay pipe");
    if (fcntl(so.sync_fd, F_SETFD, FD_CLOEXEC) < 0) die(errno, "fcntl fd %d", so.sync_fd);
    so.relay_w = relay[1];
  }
  int out_fd, err_fd;
  pid_t cmd;
  int exec_err = spawn(argv + i, &so, &cmd, &out_fd, &err_fd);
  if (so.sync_fd >= 0) {
    /* The plan and the like were for the launcher only. */
    for (int fd = 3; fd < so.sync_fd; fd++) close(fd);
    close(relay[1]);
    relay_init(relay[0], so.sync_fd, cmd);
  } else {
    shim.pid = cmd;
  }
  if (write_pid_file(cmd) < 0) die(0, "cannot write %s/pid", state);
  char buf[32];
  snprintf(buf, sizeof buf, "%d\n", (int)getpid());
  if (write_file_atomic("shim.pid", buf) < 0) die(0, "cannot write %s/shim.pid", state);
  if (write_identity() < 0) die(0, "cannot write %s/shim.json", state);
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

/*
 * Namespaces and the parent/child split.
 *
 * The raw clone syscall with only namespace flags and SIGCHLD behaves like
 * fork(): the child continues on a copy of this stack with the remaining
 * plan. That is safe because this program is single-threaded, which is the
 * whole reason it exists (a multi-threaded Node process cannot unshare its
 * user or mount namespace, nor setns into a pid namespace usefully).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"

static const struct {
  const char *name;
  int flag;
} ns_types[] = {
    {"user", CLONE_NEWUSER},     {"mount", CLONE_NEWNS}, {"pid", CLONE_NEWPID},       {"network", CLONE_NEWNET},
    {"ipc", CLONE_NEWIPC},       {"uts", CLONE_NEWUTS},  {"cgroup", CLONE_NEWCGROUP}, {"time", 0x00000080},
};

void op_setns(const char *type, const char *path) {
  int flag = -1;
  for (size_t i = 0; i < sizeof ns_types / sizeof ns_types[0]; i++)
    if (strcmp(ns_types[i].name, type) == 0) flag = ns_types[i].flag;
  if (flag < 0) fail("setns", path, EINVAL, "unknown namespace type \"%s\"", type);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("setns", path, errno, "open %s namespace", type);
  if (setns(fd, flag) < 0) fail("setns", path, errno, "join %s namespace", type);
  close(fd);
}

void op_unshare(unsigned long flags) {
  if (unshare((int)flags) < 0) fail("unshare", NULL, errno, "unshare(0x%lx)", flags);
}

void op_become_root(void) {
  /* In a fresh user namespace the process keeps its host ids until it
   * switches; become the namespace's root so that files created from here on
   * (device nodes, mount points) belong to the container's root. */
  if (setresgid(0, 0, 0) < 0) fail("become_root", NULL, errno, "setresgid(0)");
  if (setresuid(0, 0, 0) < 0) fail("become_root", NULL, errno, "setresuid(0)");
}

static void must_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) < 0) fail("clone", NULL, errno, "pipe");
}

void op_clone(unsigned long flags) {
  must_pipe(core.go_pipe);
  must_pipe(core.ready_pipe);
  pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0) fail("clone", NULL, errno, "clone(0x%lx)", flags);
  if (pid > 0) {
    parent_after_clone(pid); /* never returns */
  }
  core.is_child = 1;
  /* The cgroup.procs descriptors are the parent's business. */
  for (size_t i = 0; i < core.n_cgroup_dirs; i++) close(core.cgroup_fds[i]);
  close(core.go_pipe[1]);
  close(core.ready_pipe[0]);
  /* Wait until the parent has written our id maps and moved us into the
   * cgroups; EOF means the parent died or failed, so give up quietly. */
  char go;
  ssize_t n;
  do n = read(core.go_pipe[0], &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) _exit(1);
  close(core.go_pipe[0]);
}

static void write_proc(pid_t pid, const char *file, const char *value) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("idmap", path, errno, "open");
  ssize_t len = (ssize_t)strlen(value);
  if (write(fd, value, (size_t)len) != len) fail("idmap", path, errno, "write \"%s\"", value);
  close(fd);
}

static void join_cgroups(pid_t pid) {
  char value[32];
  snprintf(value, sizeof value, "%d", (int)pid);
  for (size_t i = 0; i < core.n_cgroup_dirs; i++) {
    if (write(core.cgroup_fds[i], value, strlen(value)) < 0)
      fail("cgroup", core.cgroup_dirs[i], errno, "add pid %d to cgroup.procs", (int)pid);
    close(core.cgroup_fds[i]);
  }
}

static pid_t child_pid;

static void forward_signal(int sig) {
  if (child_pid > 0) kill(child_pid, sig);
}

static void wait_and_report(pid_t child) {
  static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
  struct sigaction sa = {.sa_handler = forward_signal};
  sigemptyset(&sa.sa_mask);
  child_pid = child;
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaction(forwarded[i], &sa, NULL);
  int status;
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR) fail("wait", NULL, errno, "waitpid %d", (int)child);
  report_exit(status);
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

void parent_after_clone(pid_t child) {
  close(core.go_pipe[0]);
  close(core.ready_pipe[1]);
  /* setgroups must be written before gid_map, or the kernel refuses the
   * gid map for an unprivileged writer ("deny" is required then). */
  if (core.setgroups) write_proc(child, "setgroups", core.setgroups);
  if (core.gid_map) write_proc(child, "gid_map", core.gid_map);
  if (core.uid_map) write_proc(child, "uid_map", core.uid_map);
  join_cgroups(child);
  write_all(core.go_pipe[1], "G", 1);
  close(core.go_pipe[1]);

  char r;
  ssize_t n;
  do n = read(core.ready_pipe[0], &r, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) {
    /* The child failed and has already reported why; reap it. */
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    _exit(1);
  }
  report_ready(child);
  if (core.foreground) wait_and_report(child);
  _exit(0);
}

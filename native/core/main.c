/*
 * berth-core PLAN_FD SYNC_FD
 *
 * Reads the whole plan, then performs its ops in order. The "clone" op splits
 * the run: the parent applies what must be done from outside (id maps,
 * cgroup membership), relays readiness, and either exits (detached) or waits
 * for the child and reports its exit status (foreground); the child goes on
 * with the rest of the ops and ends in execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

struct core_state core = {.console_fd = -1, .gate_dir_fd = -1, .go_pipe = {-1, -1}, .ready_pipe = {-1, -1}};

static void push_cgroup(char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/cgroup.procs", dir);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("cgroup", path, errno, "open");
  char **v = realloc(core.cgroup_dirs, (core.n_cgroup_dirs + 1) * sizeof(char *));
  int *f = realloc(core.cgroup_fds, (core.n_cgroup_dirs + 1) * sizeof(int));
  if (!v || !f) fail("plan", NULL, ENOMEM, "out of memory");
  core.cgroup_dirs = v;
  core.cgroup_fds = f;
  core.cgroup_fds[core.n_cgroup_dirs] = fd;
  core.cgroup_dirs[core.n_cgroup_dirs++] = dir;
}

static void run(struct plan *p) {
  for (;;) {
    const char *op = plan_str(p, "op");
#define IS(name) (strcmp(op, name) == 0)
    if (IS("end")) {
      return;
    } else if (IS("mode")) {
      core.foreground = strcmp(plan_str(p, op), "foreground") == 0;
    } else if (IS("cgroup_join")) {
      push_cgroup((char *)plan_str(p, op));
    } else if (IS("oom_score_adj")) {
      op_write_file(op, "/proc/self/oom_score_adj", plan_str(p, op));
    } else if (IS("setns")) {
      const char *type = plan_str(p, op);
      op_setns(type, plan_str(p, op));
    } else if (IS("uid_map")) {
      core.uid_map = (char *)plan_str(p, op);
    } else if (IS("gid_map")) {
      core.gid_map = (char *)plan_str(p, op);
    } else if (IS("setgroups")) {
      core.setgroups = (char *)plan_str(p, op);
    } else if (IS("clone")) {
      op_clone((unsigned long)plan_u64(p, op));
    } else if (IS("unshare")) {
      op_unshare((unsigned long)plan_u64(p, op));
    } else if (IS("become_root")) {
      op_become_root();
    } else if (IS("mount")) {
      const char *src = plan_str(p, op), *dst = plan_str(p, op), *fstype = plan_str(p, op);
      unsigned long flags = (unsigned long)plan_u64(p, op);
      op_mount(src, dst, fstype, flags, plan_str(p, op));
    } else if (IS("mkdirs")) {
      const char *path = plan_str(p, op);
      op_mkdirs(path, (mode_t)plan_int(p, op));
    } else if (IS("touch")) {
      op_touch(plan_str(p, op));
    } else if (IS("mknod")) {
      const char *path = plan_str(p, op);
      mode_t mode = (mode_t)plan_int(p, op);
      dev_t dev = (dev_t)plan_u64(p, op);
      uid_t uid = (uid_t)plan_int(p, op);
      op_mknod(path, mode, dev, uid, (gid_t)plan_int(p, op));
    } else if (IS("symlink")) {
      const char *target = plan_str(p, op);
      op_symlink(target, plan_str(p, op));
    } else if (IS("pivot_root")) {
      op_pivot_root(plan_str(p, op));
    } else if (IS("mask")) {
      op_mask(plan_str(p, op));
    } else if (IS("readonly")) {
      op_readonly(plan_str(p, op));
    } else if (IS("sethostname")) {
      const char *name = plan_str(p, op);
      if (sethostname(name, strlen(name)) < 0) fail(op, NULL, errno, "sethostname \"%s\"", name);
    } else if (IS("setdomainname")) {
      const char *name = plan_str(p, op);
      if (setdomainname(name, strlen(name)) < 0) fail(op, NULL, errno, "setdomainname \"%s\"", name);
    } else if (IS("write")) {
      const char *path = plan_str(p, op);
      op_write_file(op, path, plan_str(p, op));
    } else if (IS("ifup")) {
      op_ifup(plan_str(p, op));
    } else if (IS("chdir")) {
      const char *path = plan_str(p, op);
      if (chdir(path) < 0) fail(op, path, errno, "chdir to cwd (\"%s\") set in config.json failed", path);
    } else if (IS("umask")) {
      umask((mode_t)plan_int(p, op));
    } else if (IS("setsid")) {
      if (setsid() < 0) fail(op, NULL, errno, "setsid");
    } else if (IS("console_connect")) {
      op_console_connect(plan_str(p, op));
    } else if (IS("console_setup")) {
      unsigned rows = (unsigned)plan_int(p, op);
      op_console_setup(rows, (unsigned)plan_int(p, op));
    } else if (IS("gate_open")) {
      op_gate_open(plan_str(p, op));
    } else if (IS("ready")) {
      /* Tell the parent that setup is done; it relays {ready, pid} to the caller. */
      if (core.ready_pipe[1] >= 0) {
        write_all(core.ready_pipe[1], "R", 1);
        close(core.ready_pipe[1]);
        core.ready_pipe[1] = -1;
      }
      report_after_ready();
    } else if (IS("device_filter")) {
      const char *dir = plan_str(p, op);
      op_device_filter(dir, plan_str(p, op));
    } else if (IS("mkfifo")) {
      const char *path = plan_str(p, op);
      mode_t mode = (mode_t)plan_int(p, op);
      uid_t uid = (uid_t)plan_int(p, op);
      op_mkfifo(path, mode, uid, (gid_t)plan_int(p, op));
    } else if (IS("wait_start")) {
      op_wait_start();
    } else if (IS("user")) {
      uid_t uid = (uid_t)plan_int(p, op);
      gid_t gid = (gid_t)plan_int(p, op);
      op_user(uid, gid, plan_list(p, op));
    } else if (IS("caps_bounding")) {
      op_caps_bounding(plan_u64(p, op));
    } else if (IS("caps")) {
      uint64_t eff = plan_u64(p, op), prm = plan_u64(p, op), inh = plan_u64(p, op);
      op_caps(eff, prm, inh, plan_u64(p, op));
    } else if (IS("rlimit")) {
      int res = (int)plan_int(p, op);
      uint64_t soft = plan_u64(p, op);
      op_rlimit(res, soft, plan_u64(p, op));
    } else if (IS("no_new_privs")) {
      if (prctl_no_new_privs() < 0) fail(op, NULL, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    } else if (IS("seccomp")) {
      unsigned flags = (unsigned)plan_int(p, op);
      op_seccomp(flags, plan_str(p, op));
    } else if (IS("lookup")) {
      const char *name = plan_str(p, op);
      op_lookup(name, plan_str(p, op));
    } else if (IS("close_fds")) {
      op_close_fds((int)plan_int(p, op));
    } else if (IS("exec")) {
      char **argv = plan_list(p, op);
      op_exec(argv, plan_list(p, op));
    } else {
      fail("plan", NULL, 0, "unknown op \"%s\"", op);
    }
#undef IS
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    static const char usage[] = "usage: berth-core PLAN_FD SYNC_FD (run by berth, not by hand)\n";
    write_all(STDERR_FILENO, usage, sizeof usage - 1);
    return 2;
  }
  int plan_fd = atoi(argv[1]);
  int sync_fd = atoi(argv[2]);
  if (fcntl(sync_fd, F_SETFD, FD_CLOEXEC) < 0) sync_fd = -1;
  report_init(sync_fd);

  struct plan p;
  if (plan_read(&p, plan_fd) < 0) fail("plan", NULL, errno, "reading the plan");
  close(plan_fd);
  run(&p);
  fail("plan", NULL, 0, "plan ended without exec");
}

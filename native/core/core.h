/*
 * berth-core: carries out a launch plan computed by the TypeScript runtime.
 *
 * The plan arrives on a file descriptor as a flat list of NUL-terminated
 * fields: an op name followed by that op's fixed arguments (lists are a count
 * followed by the items), ending with "end". There is no policy here: every
 * decision (which mounts, which capabilities, which seccomp program) was made
 * by the caller; this program only performs the steps in order and reports
 * the first failure as {step, path, errno, message} on the sync descriptor.
 */
#ifndef BERTH_CORE_H
#define BERTH_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- plan reading (plan.c) ---- */
struct plan {
  char *buf;
  size_t len;
  size_t pos;
};

int plan_read(struct plan *p, int fd);
const char *plan_str(struct plan *p, const char *op);
long long plan_int(struct plan *p, const char *op);
uint64_t plan_u64(struct plan *p, const char *op);
/* Reads "<count> item..." into a NULL-terminated vector (items point into the plan buffer). */
char **plan_list(struct plan *p, const char *op);

/* ---- reporting (report.c) ---- */
void report_init(int sync_fd);
int report_fd(void);
/* Report a failed step and exit(1). `path` may be NULL; errno value `err` may be 0. */
void fail(const char *step, const char *path, int err, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));
void report_ready(pid_t pid);
void report_after_ready(void);
void report_exit(int status);
void write_all(int fd, const char *buf, size_t len);

/* ---- the executor state shared by the ops ---- */
struct core_state {
  /* set before the clone, applied by the parent to the child */
  char *uid_map;
  char *gid_map;
  char *setgroups;
  /* cgroup.procs files, opened when the op is read: a later setns into the
   * container's mount namespace would hide the host's cgroupfs paths */
  int *cgroup_fds;
  char **cgroup_dirs;
  size_t n_cgroup_dirs;
  int foreground;          /* parent waits for the child and reports its exit */
  int go_pipe[2];          /* parent -> child: namespaces and cgroups are ready */
  int ready_pipe[2];       /* child -> parent: setup done, waiting for start */
  int is_child;
  /* child side */
  int console_fd;          /* connected console socket, or -1 */
  int gate_dir_fd;         /* directory holding exec.fifo, or -1 */
  char *exec_path;         /* resolved by "lookup" */
};

extern struct core_state core;

/* ---- ops ---- */
void op_clone(unsigned long flags);
void op_setns(const char *type, const char *path);
void op_unshare(unsigned long flags);
void op_become_root(void);
void op_mount(const char *src, const char *dst, const char *fstype, unsigned long flags, const char *data);
void op_mkdirs(const char *path, mode_t mode);
void op_touch(const char *path);
void op_mknod(const char *path, mode_t mode, dev_t dev, uid_t uid, gid_t gid);
void op_symlink(const char *target, const char *path);
void op_pivot_root(const char *rootfs);
void op_mask(const char *path);
void op_readonly(const char *path);
void op_write_file(const char *step, const char *path, const char *value);
void op_ifup(const char *name);
void op_console_connect(const char *path);
void op_console_setup(unsigned rows, unsigned cols);
void op_gate_open(const char *dir);
void op_wait_start(void);
void op_mkfifo(const char *path, mode_t mode, uid_t uid, gid_t gid);
void op_device_filter(const char *cgroup_dir, const char *hex);
void op_user(uid_t uid, gid_t gid, char **groups);
void op_caps_bounding(uint64_t keep);
void op_caps(uint64_t eff, uint64_t prm, uint64_t inh, uint64_t amb);
void op_rlimit(int resource, uint64_t soft, uint64_t hard);
void op_seccomp(unsigned flags, const char *hex);
void op_lookup(const char *name, const char *path_env);
void op_close_fds(int keep_upto);
void op_exec(char **argv, char **envp);
void parent_after_clone(pid_t child);
int prctl_no_new_privs(void);

#endif

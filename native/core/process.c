/*
 * The process's identity and privileges, in the order the kernel requires:
 * bounding set (needs CAP_SETPCAP, so before switching user), then user and
 * groups (keeping permitted caps across setuid), then the exact capability
 * sets, no_new_privs and seccomp, and finally execve.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int prctl_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }

void op_caps_bounding(uint64_t keep) {
  for (int cap = 0; cap < 64; cap++) {
    if (keep & (1ULL << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
      if (errno == EINVAL) break; /* past the kernel's last capability */
      fail("caps", NULL, errno, "drop capability %d from the bounding set", cap);
    }
  }
}

void op_user(uid_t uid, gid_t gid, char **groups) {
  size_t n = 0;
  while (groups[n]) n++;
  gid_t *list = calloc(n + 1, sizeof(gid_t));
  if (!list) fail("user", NULL, ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) list[i] = (gid_t)strtoul(groups[i], NULL, 10);
  /* In a user namespace with setgroups "deny" the call fails; with no
   * supplementary groups requested there is nothing to do anyway. */
  if (setgroups(n, list) < 0 && !(errno == EPERM && n == 0)) fail("user", NULL, errno, "setgroups");
  free(list);
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail("user", NULL, errno, "prctl(PR_SET_KEEPCAPS)");
  if (setresgid(gid, gid, gid) < 0) fail("user", NULL, errno, "setresgid(%u)", gid);
  if (setresuid(uid, uid, uid) < 0) fail("user", NULL, errno, "setresuid(%u)", uid);
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) fail("user", NULL, errno, "prctl(PR_SET_KEEPCAPS)");
}

void op_caps(uint64_t eff, uint64_t prm, uint64_t inh, uint64_t amb) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2] = {
      {.effective = (uint32_t)eff, .permitted = (uint32_t)prm, .inheritable = (uint32_t)inh},
      {.effective = (uint32_t)(eff >> 32), .permitted = (uint32_t)(prm >> 32), .inheritable = (uint32_t)(inh >> 32)},
  };
  if (syscall(SYS_capset, &hdr, data) < 0) fail("caps", NULL, errno, "capset");
  /* Ambient capabilities can only be raised once they are permitted and
   * inheritable, so this comes after capset. */
  for (int cap = 0; cap < 64; cap++) {
    if (!(amb & (1ULL << cap))) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      fail("caps", NULL, errno, "raise ambient capability %d", cap);
  }
}

void op_rlimit(int resource, uint64_t soft, uint64_t hard) {
  struct rlimit rl = {.rlim_cur = (rlim_t)soft, .rlim_max = (rlim_t)hard};
  if (setrlimit(resource, &rl) < 0)
    fail("rlimit", NULL, errno, "setrlimit(%d, soft %llu, hard %llu)", resource, (unsigned long long)soft,
         (unsigned long long)hard);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void op_seccomp(unsigned flags, const char *hex) {
  size_t len = strlen(hex);
  if (len % 16 != 0) fail("seccomp", NULL, EINVAL, "program length %zu is not a whole number of instructions", len);
  size_t n = len / 16;
  unsigned char *bytes = malloc(len / 2);
  if (!bytes) fail("seccomp", NULL, ENOMEM, "out of memory");
  for (size_t i = 0; i < len / 2; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) fail("seccomp", NULL, EINVAL, "bad hex in program");
    bytes[i] = (unsigned char)(hi << 4 | lo);
  }
  struct sock_fprog prog = {.len = (unsigned short)n, .filter = (struct sock_filter *)bytes};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0)
    fail("seccomp", NULL, errno, "load filter of %zu instructions", n);
  free(bytes);
}

static int is_executable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

void op_lookup(const char *name, const char *path_env) {
  if (strchr(name, '/')) {
    struct stat st;
    if (stat(name, &st) < 0) fail("lookup", name, errno, "exec: \"%s\"", name);
    if (S_ISDIR(st.st_mode)) fail("lookup", name, EISDIR, "exec: \"%s\"", name);
    if (!S_ISREG(st.st_mode) || access(name, X_OK) < 0) fail("lookup", name, EACCES, "exec: \"%s\"", name);
    core.exec_path = (char *)name;
    return;
  }
  char buf[PATH_MAX];
  const char *p = path_env;
  while (p) {
    const char *colon = strchr(p, ':');
    size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
    /* An empty PATH element means the current directory, as for execvp. */
    int n = dlen == 0 ? snprintf(buf, sizeof buf, "%s", name) : snprintf(buf, sizeof buf, "%.*s/%s", (int)dlen, p, name);
    if (n > 0 && (size_t)n < sizeof buf && is_executable_file(buf)) {
      core.exec_path = strdup(buf);
      return;
    }
    p = colon ? colon + 1 : NULL;
  }
  fail("lookup", name, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

void op_close_fds(int keep_upto) {
  /* Mark rather than close: descriptors this program still needs until
   * execve (the start gate, the sync fd) are dropped by the exec itself. */
  if (syscall(SYS_close_range, (unsigned)keep_upto + 1, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    fail("close_fds", NULL, errno, "close_range");
}

void op_exec(char **argv, char **envp) {
  const char *path = core.exec_path ? core.exec_path : argv[0];
  execve(path, argv, envp);
  fail("exec", path, errno, "exec: \"%s\"", argv[0]);
}

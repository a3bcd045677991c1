/*
 * cgroup v2 has no devices.allow: the device allow-list is an eBPF program
 * (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the container's cgroup. The
 * program is compiled by the caller; this loads it and attaches it. Once
 * attached it stays with the cgroup, whatever happens to this process.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void op_device_filter(const char *cgroup_dir, const char *hex) {
  size_t len = strlen(hex);
  if (len == 0 || len % 16 != 0) fail("device_filter", cgroup_dir, EINVAL, "program of %zu hex digits is not whole instructions", len);
  unsigned char *insns = malloc(len / 2);
  if (!insns) fail("device_filter", cgroup_dir, ENOMEM, "out of memory");
  for (size_t i = 0; i < len / 2; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) fail("device_filter", cgroup_dir, EINVAL, "bad hex in program");
    insns[i] = (unsigned char)(hi << 4 | lo);
  }
  static char log[4096];
  union bpf_attr load;
  memset(&load, 0, sizeof load);
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = (__u64)(unsigned long)insns;
  load.insn_cnt = (__u32)(len / 16);
  load.license = (__u64)(unsigned long)"Apache-2.0";
  load.log_buf = (__u64)(unsigned long)log;
  load.log_size = sizeof log;
  load.log_level = 1;
  int prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
  if (prog < 0) fail("device_filter", cgroup_dir, errno, "load the device program (verifier: %.300s)", log);
  free(insns);

  int cg = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg < 0) fail("device_filter", cgroup_dir, errno, "open cgroup");
  union bpf_attr attach;
  memset(&attach, 0, sizeof attach);
  attach.target_fd = (__u32)cg;
  attach.attach_bpf_fd = (__u32)prog;
  attach.attach_type = BPF_CGROUP_DEVICE;
  /* ALLOW_MULTI: a program attached above us (systemd's, say) keeps running too. */
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach) < 0) fail("device_filter", cgroup_dir, errno, "attach the device program");
  close(cg);
  close(prog);
}

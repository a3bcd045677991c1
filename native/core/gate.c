/*
 * The start gate (OCI "create" then "start"): after setup the container
 * process blocks opening exec.fifo for writing, which completes only when
 * `start` opens it for reading. The fifo's directory is opened before
 * pivot_root so it stays reachable afterwards without exposing a host path
 * or needing /proc inside the container.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

void op_gate_open(const char *dir) {
  core.gate_dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (core.gate_dir_fd < 0) fail("gate", dir, errno, "open state directory");
}

void op_wait_start(void) {
  if (core.gate_dir_fd < 0) fail("gate", NULL, EINVAL, "no start gate was opened");
  int fd;
  do fd = openat(core.gate_dir_fd, "exec.fifo", O_WRONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) fail("gate", "exec.fifo", errno, "wait for start");
  write_all(fd, "0", 1);
  close(fd);
  close(core.gate_dir_fd);
  core.gate_dir_fd = -1;
}

void op_mkfifo(const char *path, mode_t mode, uid_t uid, gid_t gid) {
  if (mkfifo(path, mode) < 0) fail("gate", path, errno, "mkfifo");
  /* mkfifo honours the umask; and in a user namespace the container's root
   * must be able to open it, so it belongs to that root's host ids. */
  if (chmod(path, mode) < 0) fail("gate", path, errno, "chmod");
  if (chown(path, uid, gid) < 0) fail("gate", path, errno, "chown");
}

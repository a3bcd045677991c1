/*
 * Filesystem steps. Paths arrive already resolved by the caller: before
 * pivot_root they are host paths inside the rootfs, after it container paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core.h"

/* Flags the kernel locks on a mount that came from a less privileged user
 * namespace; a bind remount must repeat them or it fails with EPERM. */
static unsigned long locked_flags(const char *path) {
  struct statvfs st;
  if (statvfs(path, &st) < 0) return 0;
  unsigned long f = 0;
  if (st.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) f |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

void op_mount(const char *src, const char *dst, const char *fstype, unsigned long flags, const char *data) {
  const char *s = *src ? src : NULL;
  const char *t = *fstype ? fstype : NULL;
  const void *d = *data ? data : NULL;
  if (mount(s, dst, t, flags, d) == 0) return;
  int err = errno;
  if (err == EPERM && (flags & MS_REMOUNT) && (flags & MS_BIND)) {
    if (mount(s, dst, t, flags | locked_flags(dst), d) == 0) return;
    err = errno;
  }
  fail("mount", dst, err, "mount %s%s(type %s, flags 0x%lx, data \"%s\")", s ? s : "", s ? " " : "", t ? t : "none",
       flags, data);
}

void op_mkdirs(const char *path, mode_t mode) {
  char buf[PATH_MAX];
  if (strlen(path) >= sizeof buf) fail("mkdir", path, ENAMETOOLONG, "path too long");
  strcpy(buf, path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) fail("mkdir", buf, errno, "mkdir");
    *p = '/';
  }
  if (mkdir(buf, mode) < 0 && errno != EEXIST) fail("mkdir", buf, errno, "mkdir");
}

void op_touch(const char *path) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash && slash != dir) {
    *slash = '\0';
    op_mkdirs(dir, 0755);
  }
  int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0 && errno != EEXIST && errno != EISDIR) fail("touch", path, errno, "create mount point");
  if (fd >= 0) close(fd);
}

void op_mknod(const char *path, mode_t mode, dev_t dev, uid_t uid, gid_t gid) {
  unlink(path);
  if (mknod(path, mode, dev) < 0) fail("mknod", path, errno, "mknod %u:%u", major(dev), minor(dev));
  if (chown(path, uid, gid) < 0) fail("mknod", path, errno, "chown %u:%u", uid, gid);
  /* mknod honours the umask; devices must get exactly the requested mode. */
  if (chmod(path, mode & 07777) < 0) fail("mknod", path, errno, "chmod %o", mode & 07777);
}

void op_symlink(const char *target, const char *path) {
  if (symlink(target, path) < 0 && errno != EEXIST) fail("symlink", path, errno, "symlink -> %s", target);
}

void op_pivot_root(const char *rootfs) {
  /* pivot_root(".", ".") stacks the old root on top of the new one at the
   * same place; unmounting "." then drops the old root without needing a
   * directory for it inside the container (runc's trick). */
  int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0) fail("pivot_root", "/", errno, "open old root");
  int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0) fail("pivot_root", rootfs, errno, "open new root");
  if (fchdir(newroot) < 0) fail("pivot_root", rootfs, errno, "chdir");
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail("pivot_root", rootfs, errno, "pivot_root");
  if (fchdir(oldroot) < 0) fail("pivot_root", "/", errno, "chdir to old root");
  /* Keep the old root's propagation from reaching the host when we unmount it. */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) fail("pivot_root", "/", errno, "make old root rslave");
  if (umount2(".", MNT_DETACH) < 0) fail("pivot_root", "/", errno, "unmount old root");
  if (fchdir(newroot) < 0 || chdir("/") < 0) fail("pivot_root", "/", errno, "chdir to new root");
  close(oldroot);
  close(newroot);
}

void op_mask(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) {
    if (errno == ENOENT) return;
    fail("mask", path, errno, "stat");
  }
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k") < 0) fail("mask", path, errno, "mount empty tmpfs");
  } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
    fail("mask", path, errno, "bind /dev/null");
  }
}

void op_readonly(const char *path) {
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
    if (errno == ENOENT) return;
    fail("readonly", path, errno, "bind");
  }
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (mount(NULL, path, NULL, flags, NULL) < 0 && mount(NULL, path, NULL, flags | locked_flags(path), NULL) < 0)
    fail("readonly", path, errno, "remount read-only");
}

void op_write_file(const char *step, const char *path, const char *value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(step, path, errno, "open");
  ssize_t len = (ssize_t)strlen(value);
  if (write(fd, value, (size_t)len) != len) fail(step, path, errno, "write \"%s\"", value);
  close(fd);
}

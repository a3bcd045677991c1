/*
 * `probe syscall NAME [ARGS...]`: make one system call and say what the
 * kernel answered, as {"syscall":NAME,"ret":N,"errno":"EPERM"|null,
 * "errnoNum":N}. Tests use it to check that capabilities, seccomp, user
 * namespaces and read-only mounts refuse (or allow) exactly what the spec
 * says. The calls go through syscall(2), not libc wrappers, so the answer is
 * the kernel's and not something libc derived or emulated. The exit code is
 * 0 whatever the call returned; it is 2 only when the probe was misused.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sched.h>
#include <unistd.h>

#include "json.h"
#include "probe.h"
#include "util.h"

struct name_value
{
  const char *name;
  unsigned long value;
};

static const struct name_value mount_flags[] = {
  { "ro", MS_RDONLY }, { "rdonly", MS_RDONLY }, { "nosuid", MS_NOSUID },
  { "nodev", MS_NODEV }, { "noexec", MS_NOEXEC }, { "remount", MS_REMOUNT },
  { "bind", MS_BIND }, { "rec", MS_REC }, { "move", MS_MOVE },
  { "private", MS_PRIVATE }, { "slave", MS_SLAVE }, { "shared", MS_SHARED },
  { "unbindable", MS_UNBINDABLE }, { "relatime", MS_RELATIME },
  { "noatime", MS_NOATIME }, { "strictatime", MS_STRICTATIME },
  { NULL, 0 },
};

static const struct name_value umount_flags[] = {
  { "force", MNT_FORCE }, { "detach", MNT_DETACH }, { "expire", MNT_EXPIRE },
  { "nofollow", UMOUNT_NOFOLLOW }, { NULL, 0 },
};

static const struct name_value clone_flags[] = {
  { "mount", CLONE_NEWNS }, { "newns", CLONE_NEWNS }, { "uts", CLONE_NEWUTS },
  { "ipc", CLONE_NEWIPC }, { "user", CLONE_NEWUSER }, { "pid", CLONE_NEWPID },
  { "net", CLONE_NEWNET }, { "network", CLONE_NEWNET },
  { "cgroup", CLONE_NEWCGROUP }, { "time", 0x80 /* CLONE_NEWTIME */ },
  { "files", CLONE_FILES }, { "fs", CLONE_FS }, { "sysvsem", CLONE_SYSVSEM },
  { NULL, 0 },
};

static const struct name_value open_flags[] = {
  { "rdonly", O_RDONLY }, { "wronly", O_WRONLY }, { "rdwr", O_RDWR },
  { "creat", O_CREAT }, { "excl", O_EXCL }, { "trunc", O_TRUNC },
  { "append", O_APPEND }, { "directory", O_DIRECTORY }, { "path", O_PATH },
  { "nofollow", O_NOFOLLOW }, { NULL, 0 },
};

static const struct name_value families[] = {
  { "unix", AF_UNIX }, { "local", AF_UNIX }, { "inet", AF_INET },
  { "inet6", AF_INET6 }, { "netlink", AF_NETLINK }, { "packet", AF_PACKET },
  { "bluetooth", AF_BLUETOOTH }, { "key", AF_KEY }, { "alg", AF_ALG },
  { "vsock", AF_VSOCK }, { NULL, 0 },
};

static const struct name_value socket_types[] = {
  { "stream", SOCK_STREAM }, { "dgram", SOCK_DGRAM }, { "raw", SOCK_RAW },
  { "seqpacket", SOCK_SEQPACKET }, { NULL, 0 },
};

static const struct name_value signals[] = {
  { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
  { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM },
  { "STOP", SIGSTOP }, { "CONT", SIGCONT }, { NULL, 0 },
};

static const struct name_value rlimits[] = {
  { "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
  { "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS },
  { "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE },
  { "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
  { "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO }, { "rttime", RLIMIT_RTTIME },
  { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK }, { NULL, 0 },
};

/* A number, or names from table joined by ',' or '|' ("bind,rec"). */
static unsigned long
flags_arg (const char *what, const char *s, const struct name_value *table)
{
  unsigned long long n;
  unsigned long out = 0;
  char *copy, *tok, *save = NULL;

  if (parse_ull (s, &n))
    return (unsigned long) n;
  copy = strdup (s);
  if (copy == NULL)
    die (1, "out of memory");
  for (tok = strtok_r (copy, ",|", &save); tok != NULL; tok = strtok_r (NULL, ",|", &save))
    {
      const struct name_value *nv;

      for (nv = table; nv->name != NULL; nv++)
        if (strcasecmp (nv->name, tok) == 0)
          break;
      if (nv->name == NULL)
        die (PROBE_EXIT_USAGE, "syscall: unknown %s %s", what, tok);
      out |= nv->value;
    }
  free (copy);
  return out;
}

static long long
int_arg (const char *what, const char *s)
{
  long long n;

  if (!parse_ll (s, &n))
    die (PROBE_EXIT_USAGE, "syscall: %s is not a number: %s", what, s);
  return n;
}

/* "-" stands for a NULL pointer (a mount with no source or no data). */
static const char *
ptr_arg (const char *s)
{
  return strcmp (s, "-") == 0 ? NULL : s;
}

static int
signal_arg (const char *s)
{
  long long n;

  if (parse_ll (s, &n))
    return (int) n;
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  return (int) flags_arg ("signal", s, signals);
}

/* Each runner makes its call and returns what syscall(2) returned, with
   errno as the kernel left it. It may add fields to the result object. */
typedef long (*runner) (char **args, int n, struct json *j);

static long run_getpid (char **a, int n, struct json *j) { return syscall (SYS_getpid); }
static long run_getppid (char **a, int n, struct json *j) { return syscall (SYS_getppid); }
static long run_getuid (char **a, int n, struct json *j) { return syscall (SYS_getuid); }
static long run_geteuid (char **a, int n, struct json *j) { return syscall (SYS_geteuid); }

static long
run_uname (char **a, int n, struct json *j)
{
  struct utsname u;
  long ret = syscall (SYS_uname, &u);
  int err = errno;

  if (ret == 0)
    {
      json_string (j, "sysname", u.sysname);
      json_string (j, "nodename", u.nodename);
      json_string (j, "release", u.release);
      json_string (j, "machine", u.machine);
      json_string (j, "domainname", u.domainname);
    }
  errno = err;
  return ret;
}

static long
run_sethostname (char **a, int n, struct json *j)
{
  return syscall (SYS_sethostname, a[0], strlen (a[0]));
}

static long
run_setdomainname (char **a, int n, struct json *j)
{
  return syscall (SYS_setdomainname, a[0], strlen (a[0]));
}

static long
run_mkdir (char **a, int n, struct json *j)
{
  long long mode = n > 1 ? int_arg ("mode", a[1]) : 0755;
  return syscall (SYS_mkdirat, AT_FDCWD, a[0], (mode_t) mode);
}

static long
run_rmdir (char **a, int n, struct json *j)
{
  return syscall (SYS_unlinkat, AT_FDCWD, a[0], AT_REMOVEDIR);
}

static long
run_unlink (char **a, int n, struct json *j)
{
  return syscall (SYS_unlinkat, AT_FDCWD, a[0], 0);
}

static long
run_open (char **a, int n, struct json *j)
{
  unsigned long flags = n > 1 ? flags_arg ("open flag", a[1], open_flags) : O_RDONLY;
  long ret = syscall (SYS_openat, AT_FDCWD, a[0], flags | O_CLOEXEC, 0644);
  int err = errno;

  if (ret >= 0)
    close ((int) ret);
  errno = err;
  return ret;
}

static long
run_chown (char **a, int n, struct json *j)
{
  return syscall (SYS_fchownat, AT_FDCWD, a[0], (uid_t) int_arg ("uid", a[1]),
                  (gid_t) int_arg ("gid", a[2]), 0);
}

static long
run_chmod (char **a, int n, struct json *j)
{
  return syscall (SYS_fchmodat, AT_FDCWD, a[0], (mode_t) int_arg ("mode", a[1]));
}

/* mknod PATH c|b|p [MAJOR MINOR] */
static long
run_mknod (char **a, int n, struct json *j)
{
  mode_t type;
  dev_t dev = 0;

  if (strcmp (a[1], "c") == 0)
    type = S_IFCHR;
  else if (strcmp (a[1], "b") == 0)
    type = S_IFBLK;
  else if (strcmp (a[1], "p") == 0)
    type = S_IFIFO;
  else
    die (PROBE_EXIT_USAGE, "syscall: mknod type must be c, b or p: %s", a[1]);
  if (type != S_IFIFO)
    {
      if (n < 4)
        die (PROBE_EXIT_USAGE, "syscall: mknod %s needs MAJOR MINOR", a[1]);
      dev = makedev ((unsigned) int_arg ("major", a[2]), (unsigned) int_arg ("minor", a[3]));
    }
  return syscall (SYS_mknodat, AT_FDCWD, a[0], type | 0600, dev);
}

/* mount SOURCE TARGET FSTYPE [FLAGS] [DATA] */
static long
run_mount (char **a, int n, struct json *j)
{
  unsigned long flags = n > 3 ? flags_arg ("mount flag", a[3], mount_flags) : 0;
  const char *data = n > 4 ? ptr_arg (a[4]) : NULL;

  return syscall (SYS_mount, ptr_arg (a[0]), a[1], ptr_arg (a[2]), flags, data);
}

static long
run_umount (char **a, int n, struct json *j)
{
  unsigned long flags = n > 1 ? flags_arg ("umount flag", a[1], umount_flags) : 0;
  return syscall (SYS_umount2, a[0], flags);
}

static long
run_unshare (char **a, int n, struct json *j)
{
  return syscall (SYS_unshare, flags_arg ("namespace", a[0], clone_flags));
}

static long
run_chroot (char **a, int n, struct json *j)
{
  return syscall (SYS_chroot, a[0]);
}

/* socket FAMILY TYPE [PROTOCOL]; the socket is closed again. */
static long
run_socket (char **a, int n, struct json *j)
{
  int family = (int) flags_arg ("family", a[0], families);
  int type = (int) flags_arg ("socket type", a[1], socket_types);
  int proto = n > 2 ? (int) int_arg ("protocol", a[2]) : 0;
  long ret = syscall (SYS_socket, family, type | SOCK_CLOEXEC, proto);
  int err = errno;

  if (ret >= 0)
    close ((int) ret);
  errno = err;
  return ret;
}

/* bind PORT: an IPv4 TCP socket bound to 0.0.0.0:PORT, to check
   CAP_NET_BIND_SERVICE and net.ipv4.ip_unprivileged_port_start. */
static long
run_bind (char **a, int n, struct json *j)
{
  struct sockaddr_in sin;
  long fd, ret;
  int err;

  memset (&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons ((uint16_t) int_arg ("port", a[0]));
  sin.sin_addr.s_addr = htonl (INADDR_ANY);
  fd = syscall (SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      json_string (j, "step", "socket");
      return fd;
    }
  json_string (j, "step", "bind");
  ret = syscall (SYS_bind, fd, &sin, sizeof sin);
  err = errno;
  close ((int) fd);
  errno = err;
  return ret;
}

static long
run_personality (char **a, int n, struct json *j)
{
  return syscall (SYS_personality, (unsigned long) int_arg ("persona", a[0]));
}

static long
run_kill (char **a, int n, struct json *j)
{
  return syscall (SYS_kill, (pid_t) int_arg ("pid", a[0]), signal_arg (a[1]));
}

static long
run_setuid (char **a, int n, struct json *j)
{
  return syscall (SYS_setuid, (uid_t) int_arg ("uid", a[0]));
}

static long
run_setgid (char **a, int n, struct json *j)
{
  return syscall (SYS_setgid, (gid_t) int_arg ("gid", a[0]));
}

/* setgroups GID,GID,... ("-" for none) */
static long
run_setgroups (char **a, int n, struct json *j)
{
  char **items = split_list (strcmp (a[0], "-") == 0 ? "" : a[0]);
  gid_t groups[256];
  size_t count = 0;

  for (char **it = items; *it != NULL; it++)
    {
      if (count == sizeof groups / sizeof groups[0])
        die (PROBE_EXIT_USAGE, "syscall: setgroups: too many groups");
      groups[count++] = (gid_t) int_arg ("gid", *it);
    }
  free (items);
  return syscall (SYS_setgroups, count, groups);
}

/* setrlimit RESOURCE SOFT HARD; -1 or "unlimited" is RLIM_INFINITY. */
static long
run_setrlimit (char **a, int n, struct json *j)
{
  struct rlimit rl;
  int resource = (int) flags_arg ("resource", a[0], rlimits);

  rl.rlim_cur = strcmp (a[1], "unlimited") == 0 ? RLIM_INFINITY : (rlim_t) int_arg ("soft", a[1]);
  rl.rlim_max = strcmp (a[2], "unlimited") == 0 ? RLIM_INFINITY : (rlim_t) int_arg ("hard", a[2]);
  return syscall (SYS_prlimit64, 0, resource, &rl, NULL);
}

static long
run_setpriority (char **a, int n, struct json *j)
{
  return syscall (SYS_setpriority, PRIO_PROCESS, 0, (int) int_arg ("nice", a[0]));
}

/* keyctl: KEYCTL_GET_KEYRING_ID of the session keyring without creating
   it; Docker's seccomp profile refuses the whole call. */
static long
run_keyctl (char **a, int n, struct json *j)
{
  return syscall (SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* KEY_SPEC_SESSION_KEYRING */, 0);
}

/* syslog: SYSLOG_ACTION_SIZE_BUFFER, which reads nothing; it needs
   CAP_SYSLOG (or CAP_SYS_ADMIN) when kernel.dmesg_restrict is set. */
static long
run_syslog (char **a, int n, struct json *j)
{
  return syscall (SYS_syslog, 10, NULL, 0);
}

static const struct
{
  const char *name;
  int min_args, max_args;
  const char *usage;
  runner run;
} calls[] = {
  { "getpid", 0, 0, "", run_getpid },
  { "getppid", 0, 0, "", run_getppid },
  { "getuid", 0, 0, "", run_getuid },
  { "geteuid", 0, 0, "", run_geteuid },
  { "uname", 0, 0, "", run_uname },
  { "sethostname", 1, 1, "NAME", run_sethostname },
  { "setdomainname", 1, 1, "NAME", run_setdomainname },
  { "mkdir", 1, 2, "PATH [MODE]", run_mkdir },
  { "rmdir", 1, 1, "PATH", run_rmdir },
  { "unlink", 1, 1, "PATH", run_unlink },
  { "open", 1, 2, "PATH [rdonly|wronly|rdwr,creat,...]", run_open },
  { "chown", 3, 3, "PATH UID GID", run_chown },
  { "chmod", 2, 2, "PATH MODE", run_chmod },
  { "mknod", 2, 4, "PATH c|b|p [MAJOR MINOR]", run_mknod },
  { "mount", 3, 5, "SOURCE|- TARGET FSTYPE|- [FLAGS] [DATA|-]", run_mount },
  { "umount", 1, 2, "TARGET [force,detach,...]", run_umount },
  { "unshare", 1, 1, "mount,uts,ipc,user,pid,net,cgroup,time|NUMBER", run_unshare },
  { "chroot", 1, 1, "PATH", run_chroot },
  { "socket", 2, 3, "FAMILY TYPE [PROTOCOL]", run_socket },
  { "bind", 1, 1, "PORT", run_bind },
  { "personality", 1, 1, "PERSONA", run_personality },
  { "kill", 2, 2, "PID SIGNAL", run_kill },
  { "setuid", 1, 1, "UID", run_setuid },
  { "setgid", 1, 1, "GID", run_setgid },
  { "setgroups", 1, 1, "GID,GID,...|-", run_setgroups },
  { "setrlimit", 3, 3, "RESOURCE SOFT|unlimited HARD|unlimited", run_setrlimit },
  { "setpriority", 1, 1, "NICE", run_setpriority },
  { "keyctl", 0, 0, "", run_keyctl },
  { "syslog", 0, 0, "", run_syslog },
};

static void __attribute__ ((noreturn))
usage (void)
{
  fputs ("usage: probe syscall NAME [ARGS...]\n", stderr);
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
    fprintf (stderr, "  %s %s\n", calls[i].name, calls[i].usage);
  exit (PROBE_EXIT_USAGE);
}

int
cmd_syscall (int argc, char **argv)
{
  struct json j;
  FILE *mem;
  char *buf = NULL;
  size_t i, len = 0;
  long ret;
  int err;

  if (argc < 1)
    usage ();
  for (i = 0; i < sizeof calls / sizeof calls[0]; i++)
    if (strcmp (calls[i].name, argv[0]) == 0)
      break;
  if (i == sizeof calls / sizeof calls[0])
    {
      fprintf (stderr, "probe: syscall: unknown call %s\n", argv[0]);
      usage ();
    }
  if (argc - 1 < calls[i].min_args || argc - 1 > calls[i].max_args)
    die (PROBE_EXIT_USAGE, "syscall: usage: %s %s", calls[i].name, calls[i].usage);

  /* The result is built in memory and printed only at the end: a runner
     that finds a bad argument exits with a usage error, and must not leave
     half an object on stdout. */
  mem = open_memstream (&buf, &len);
  if (mem == NULL)
    die (1, "open_memstream: %s", strerror (errno));
  json_init (&j, mem);
  json_object_begin (&j, NULL);
  json_string (&j, "syscall", calls[i].name);
  errno = 0;
  ret = calls[i].run (argv + 1, argc - 1, &j);
  err = ret < 0 ? errno : 0;
  json_int (&j, "ret", ret);
  json_errno (&j, err);
  json_object_end (&j);
  if (!json_finish (&j) || fclose (mem) != 0)
    die (1, "syscall: cannot build the result");
  fwrite (buf, 1, len, stdout);
  free (buf);
  return fflush (stdout) == 0 ? 0 : 1;
}
